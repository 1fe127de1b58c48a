import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAccount } from '../../../src/billing/accounts/close-account.ts';
import { BillingRefused } from '../../../src/billing/billing-refused.ts';
import { createCreditNote } from '../../../src/billing/credit-notes/issue-credit-note.ts';
import {
  customerCreditBalance,
  listCreditNotes,
} from '../../../src/billing/credit-notes/list-credit-notes.ts';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { recordPayment } from '../../../src/billing/payments/payments.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { formatNumberId } from '../../../src/domain/money.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
const NOW = new Date('2026-12-01T03:00:00Z');

async function invoiceOf(code: string, period: string) {
  return t.db
    .selectFrom('invoices')
    .selectAll()
    .where('customer_id', '=', await customerId(t.db, code))
    .where('period', '=', period)
    .where('status', '<>', 'void')
    .executeTakeFirstOrThrow();
}

const credit = (invoiceId: number, subtotal: number, date = '2026-11-10') =>
  createCreditNote(t.db, {
    invoiceId,
    creditDate: date,
    reason: 'late Cancel reports',
    actor: 'test',
    request: { kind: 'amount', subtotal },
    mail: true,
  });

const run = (month: string, issueDate: string, customerCode?: string) =>
  runInvoiceMonth(database, config, {
    month,
    issueDate,
    customerCode,
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: NOW,
  });

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-cn-') };
  await addCustomers(t.db, ['RACE', 'PAID', 'NEXT', 'SHUT'], 10_000_000);
  for (const code of ['RACE', 'PAID', 'NEXT', 'SHUT']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-10-10T10:00:00+07:00' });
  }
  await insertMessages(t.db, { customer: 'NEXT', count: 10, from: '2026-11-10T10:00:00+07:00' });
  await run('2026-10', '2026-11-01');
});
afterAll(async () => {
  await t.close();
});

describe('R16 credit notes', () => {
  it('R16: concurrent credit notes on one invoice never over-credit and leave no gap in the CN numbers', async () => {
    const inv = await invoiceOf('RACE', '2026-10-01');
    expect(inv.subtotal).toBe(35_000); // 100 single parts at 350
    // Twelve racing notes of Rp 5.000 before PPN: only seven fit in the subtotal of 35.000.
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => credit(inv.id, 5_000)));
    const issued = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(issued).toHaveLength(7);
    expect(refused).toHaveLength(5);
    for (const reason of refused) expect(reason).toBeInstanceOf(BillingRefused);
    const after = await invoiceOf('RACE', '2026-10-01');
    const notes = await listCreditNotes(t.db, { invoiceNumber: inv.number });
    expect(notes.reduce((s, n) => s + n.total, 0)).toBe(after.credited_total);
    // The last one credited what was left, so the notes reverse the invoice's PPN to the rupiah.
    expect(after.credited_total).toBe(inv.total);
    expect(after.status).toBe('credited');
    const sequences = (
      await t.db.selectFrom('credit_notes').select('sequence').orderBy('sequence').execute()
    ).map((r) => r.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(notes.map((n) => n.number)).toEqual(
      sequences.map((s) => `CN/2026/11/${String(s).padStart(5, '0')}`),
    );
    const mails = await t.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('kind', '=', 'credit_note_issued')
      .execute();
    expect(mails).toHaveLength(7);
  });

  it('R16: the database refuses a credit note over what is left, even when the code is bypassed', async () => {
    const inv = await invoiceOf('PAID', '2026-10-01');
    const raw = sql`
      insert into credit_notes (number, year, sequence, invoice_id, customer_id, credit_date, kind, reason,
        subtotal, tax, total, tax_label, actor)
      values ('CN/2099/01/00001', 2099, 1, ${inv.id}, ${inv.customer_id}, '2026-11-10', 'amount', 'bypass',
        ${inv.subtotal}, ${inv.tax + 1}, ${inv.total + 1}, 'PPN 12%', 'test')`;
    await expect(raw.execute(t.db)).rejects.toMatchObject({ constraint: 'invoices_credited_within' });
  });

  it('R16: a credit on a fully paid invoice stays customer credit; the next invoice uses it exactly once', async () => {
    const inv = await invoiceOf('PAID', '2026-10-01');
    await recordPayment(t.db, {
      invoiceNumber: inv.number,
      amount: inv.total,
      date: '2026-11-05',
      ref: null,
      actor: 't',
    });
    const note = await credit(inv.id, 10_000);
    expect(note.reducedOpen).toBe(0);
    expect(note.toCredit).toBe(note.total);
    expect((await invoiceOf('PAID', '2026-10-01')).status).toBe('paid');
    const customer = await customerId(t.db, 'PAID');
    expect(await customerCreditBalance(t.db, customer)).toBe(note.total);

    // NEXT has no credit; PAID has no November usage, so the credit waits. Give PAID November usage and invoice it.
    await insertMessages(t.db, { customer: 'PAID', count: 100, from: '2026-11-11T10:00:00+07:00' });
    await run('2026-11', '2026-12-01');
    await run('2026-11', '2026-12-01'); // a rerun issues nothing and uses nothing again
    const next = await invoiceOf('PAID', '2026-11-01');
    expect(next.credit_used).toBe(note.total);
    // The new invoice shows it: "Kredit digunakan", then what is left to pay.
    const pdf = path.join(config.outDir, '2026-11', `${next.number.replaceAll('/', '-')}_PAID.pdf`);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', pdf, '-']);
    expect(stdout).toMatch(new RegExp(`Kredit digunakan.*-Rp ${formatNumberId(note.total)}`));
    expect(stdout).toMatch(
      new RegExp(`Sisa yang harus dibayar.*Rp ${formatNumberId(next.total - note.total)}`),
    );
    expect(await customerCreditBalance(t.db, customer)).toBe(0);
    const used = await t.db
      .selectFrom('customer_credit_ledger')
      .select(['amount', 'invoice_id'])
      .where('customer_id', '=', customer)
      .where('kind', '=', 'used')
      .execute();
    expect(used).toEqual([{ amount: -note.total, invoice_id: next.id }]);
    // What is open on the new invoice is its total less the credit used: a payment of more is refused.
    await expect(
      recordPayment(t.db, {
        invoiceNumber: next.number,
        amount: next.total,
        date: '2026-12-02',
        ref: null,
        actor: 't',
      }),
    ).rejects.toBeInstanceOf(BillingRefused);
    const paid = await recordPayment(t.db, {
      invoiceNumber: next.number,
      amount: next.total - note.total,
      date: '2026-12-02',
      ref: null,
      actor: 't',
    });
    expect(paid.status).toBe('paid');
    expect((await invoiceOf('NEXT', '2026-11-01')).credit_used).toBe(0);
  });

  it('R16: a partial credit reduces the open amount the deposit settlement and payments see', async () => {
    const inv = await invoiceOf('NEXT', '2026-10-01');
    const note = await credit(inv.id, 7_000);
    expect(note.reducedOpen).toBe(note.total);
    const after = await invoiceOf('NEXT', '2026-10-01');
    expect(after.status).toBe('issued');
    await expect(
      recordPayment(t.db, {
        invoiceNumber: inv.number,
        amount: inv.total,
        date: '2026-11-20',
        ref: null,
        actor: 't',
      }),
    ).rejects.toThrow(/still open/);
  });

  it('R13/R16: customer credit is refunded only at closure, with the rest of the deposit', async () => {
    const inv = await invoiceOf('SHUT', '2026-10-01');
    await recordPayment(t.db, {
      invoiceNumber: inv.number,
      amount: inv.total,
      date: '2026-11-05',
      ref: null,
      actor: 't',
    });
    const note = await credit(inv.id, 20_000);
    const customer = await customerId(t.db, 'SHUT');
    expect(await customerCreditBalance(t.db, customer)).toBe(note.total);
    await closeAccount(database, config, {
      customerCode: 'SHUT',
      date: '2026-11-16',
      now: NOW,
      actor: 'test',
      holdMail: false,
    });
    const refund = await t.db
      .selectFrom('refunds')
      .selectAll()
      .where('customer_id', '=', customer)
      .executeTakeFirstOrThrow();
    expect(refund.amount).toBe(10_000_000 + note.total);
    expect(await customerCreditBalance(t.db, customer)).toBe(0);
  });
});
