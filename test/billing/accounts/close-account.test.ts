import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAccount } from '../../../src/billing/accounts/close-account.ts';
import { addDeposit } from '../../../src/billing/deposit/deposits.ts';
import { listRefunds, markRefundPaid } from '../../../src/billing/deposit/refunds.ts';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { addDays } from '../../../src/domain/dates.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
const NOW = new Date('2026-11-27T03:00:00Z');
const TOTAL = 38_850; // 100 single-part messages: 35.000 + PPN 3.850

const close = (customerCode: string, date: string) =>
  closeAccount(database, config, { customerCode, date, now: NOW, actor: 'test', holdMail: false });

async function invoicesOf(code: string) {
  return t.db
    .selectFrom('invoices')
    .selectAll()
    .where('customer_id', '=', await customerId(t.db, code))
    .orderBy('period')
    .execute();
}

async function permission(code: string) {
  return t.db
    .selectFrom('sending_permission')
    .selectAll()
    .where('customer_code', '=', code)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-close-') };
  await addCustomers(t.db, ['LEAVE', 'LATE', 'NOFEB', 'QUIET', 'SHORT'], 10_000_000, '2026-01-05');
  await addCustomers(t.db, ['BROKE'], 50_000, '2026-01-05');
  for (const code of ['LEAVE', 'NOFEB', 'BROKE']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-02-10T10:00:00+07:00' });
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-03-17T23:00:00+07:00' });
  }
  // Sent on 18 March, 00:00 WIB: after a 17 March closing.
  await insertMessages(t.db, {
    customer: 'LEAVE',
    count: 1,
    from: '2026-03-18T00:00:00+07:00',
    deliveryStatus: 6,
  });
  await insertMessages(t.db, { customer: 'LATE', count: 1, from: '2026-03-18T00:00:00+07:00' });
  await runInvoiceMonth(database, config, {
    month: '2026-02',
    issueDate: '2026-03-01',
    customerCode: 'LEAVE',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: NOW,
  });
  await runInvoiceMonth(database, config, {
    month: '2026-02',
    issueDate: '2026-03-01',
    customerCode: 'BROKE',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: NOW,
  });
});
afterAll(async () => {
  await t.close();
});

describe('R13: closing an account', () => {
  let closed: Awaited<ReturnType<typeof close>>;

  it('R13: closing on 2026-03-17 issues the final invoice for 1–17 March, dated that day', async () => {
    closed = await close('LEAVE', '2026-03-17');
    const [february, march] = await invoicesOf('LEAVE');
    expect(march).toMatchObject({
      kind: 'final',
      period: '2026-03-01',
      period_end: '2026-03-17',
      invoice_date: '2026-03-17',
      due_date: '2026-03-31',
      parts: 100, // the Reject of 18 March is after D and not billable anyway
      total: TOTAL,
    });
    expect(march!.number).toMatch(/^INV\/2026\/03\/\d{5}$/);
    expect(closed.final_invoice_number).toBe(march!.number);
    expect(closed.invoices_issued).toEqual([march!.number]);
    expect(february).toMatchObject({ kind: 'monthly', period: '2026-02-01' });
    const files = await readdir(path.join(config.outDir, '2026-03'));
    expect(files.some((f) => f.endsWith('.pdf') && f.includes('LEAVE'))).toBe(true);
    expect(files).toContain('register.csv');
  });

  it('R11/R13: every open invoice is settled from the deposit, and the rest is refunded', async () => {
    const invoices = await invoicesOf('LEAVE');
    expect(invoices.map((i) => i.status)).toEqual(['settled_from_deposit', 'settled_from_deposit']);
    expect(closed.settled.map((s) => s.deducted)).toEqual([TOTAL, TOTAL]);
    expect(closed).toMatchObject({ open_amount: 0, refund_amount: 10_000_000 - 2 * TOTAL });
    const balance = await t.db
      .selectFrom('deposit_balances')
      .select('balance')
      .where('customer_code', '=', 'LEAVE')
      .executeTakeFirstOrThrow();
    expect(balance.balance).toBe(0);
    const refund = await t.db
      .selectFrom('deposit_ledger')
      .select(['kind', 'amount', 'entry_date'])
      .where('customer_id', '=', await customerId(t.db, 'LEAVE'))
      .where('kind', '=', 'refund')
      .execute();
    expect(refund).toEqual([{ kind: 'refund', amount: -(10_000_000 - 2 * TOTAL), entry_date: '2026-03-17' }]);
  });

  it('R13: the refund of a 2026-03-17 closure is due 2026-04-02 (18–24 March are Nyepi, Idul Fitri and cuti bersama)', async () => {
    expect(closed.refund_due_date).toBe('2026-04-02');
    // The first working day after 17 March is 25 March: 7 working days are 25, 26, 27, 30, 31 March, 1 and 2 April.
    expect(addDays('2026-03-17', 16)).toBe('2026-04-02');
    const [refund] = await listRefunds(t.db, { today: '2026-11-27' });
    expect(refund).toMatchObject({
      customer_code: 'LEAVE',
      amount: 10_000_000 - 2 * TOTAL,
      closing_date: '2026-03-17',
      due_date: '2026-04-02',
      paid_on: null,
      overdue: true,
    });
  });

  it('R13: the closed account is refused by sending_permission, and the customer is told', async () => {
    expect(await permission('LEAVE')).toMatchObject({ allowed: false, reason: 'closed' });
    const customer = await t.db
      .selectFrom('customers')
      .select(['status', 'closed_on'])
      .where('code', '=', 'LEAVE')
      .executeTakeFirstOrThrow();
    expect(customer).toEqual({ status: 'closed', closed_on: '2026-03-17' });
    const mail = await t.db
      .selectFrom('mail_outbox')
      .select('payload')
      .where('kind', '=', 'account_closed')
      .where('customer_id', '=', await customerId(t.db, 'LEAVE'))
      .executeTakeFirstOrThrow();
    expect(mail.payload).toEqual({
      closing_date: '2026-03-17',
      final_invoice_number: closed.final_invoice_number,
      refund_amount: 10_000_000 - 2 * TOTAL,
      refund_due_date: '2026-04-02',
    });
  });

  it('R13: closing twice is refused, and a closed account takes no deposit', async () => {
    await expect(close('LEAVE', '2026-03-18')).rejects.toThrow(/already closed on 2026-03-17/);
    await expect(addDeposit(t.db, { customerCode: 'LEAVE', amount: 1, date: '2026-03-18' })).rejects.toThrow(
      /closed on 2026-03-17; a closed account takes no deposit/,
    );
  });

  it('R13: a refund is marked paid once', async () => {
    const paid = await markRefundPaid(t.db, { customerCode: 'LEAVE', date: '2026-04-01', ref: 'BCA 99' });
    expect(paid).toMatchObject({ paid_on: '2026-04-01', ref: 'BCA 99', overdue: false });
    await expect(markRefundPaid(t.db, { customerCode: 'LEAVE', date: '2026-04-02' })).rejects.toThrow(
      /already marked paid/,
    );
  });

  it('R13: a closing date before billable messages already sent is refused, nothing changed', async () => {
    await expect(close('LATE', '2026-03-17')).rejects.toThrow(
      /1 billable message\(s\) sent after 2026-03-17/,
    );
    expect(await permission('LATE')).toMatchObject({ allowed: true });
    expect(await invoicesOf('LATE')).toEqual([]);
  });

  it('R13: a month before D not yet invoiced is invoiced by the closure too', async () => {
    const s = await close('NOFEB', '2026-03-17');
    const invoices = await invoicesOf('NOFEB');
    expect(invoices.map((i) => [i.period, i.kind, i.invoice_date, i.status])).toEqual([
      ['2026-02-01', 'monthly', '2026-03-17', 'settled_from_deposit'],
      ['2026-03-01', 'final', '2026-03-17', 'settled_from_deposit'],
    ]);
    expect(s.invoices_issued).toHaveLength(2);
    expect(s.refund_amount).toBe(10_000_000 - 2 * TOTAL);
  });

  it('R13: an account without usage closes without a final invoice; its whole deposit is refunded', async () => {
    const s = await close('QUIET', '2026-03-17');
    expect(s).toMatchObject({ final_invoice_number: null, invoices_issued: [], refund_amount: 10_000_000 });
  });

  it('R11/R13: a deposit short of the open invoices: nothing to refund, the rest still owed (unpaid)', async () => {
    const s = await close('BROKE', '2026-03-17');
    expect(s).toMatchObject({ refund_amount: 0, open_amount: 2 * TOTAL - 50_000 });
    expect((await invoicesOf('BROKE')).map((i) => [i.status, i.paid_amount])).toEqual([
      ['settled_from_deposit', TOTAL],
      ['partially_paid', 50_000 - TOTAL],
    ]);
    expect(await permission('BROKE')).toMatchObject({ allowed: false, reason: 'closed' });
    const active = await t.db
      .selectFrom('suspensions')
      .select('reason')
      .where('customer_id', '=', await customerId(t.db, 'BROKE'))
      .where('lifted_at', 'is', null)
      .orderBy('reason')
      .execute();
    expect(active.map((a) => a.reason)).toEqual(['closed', 'unpaid']);
    expect((await listRefunds(t.db, { today: '2026-11-27' })).map((r) => r.customer_code)).not.toContain(
      'BROKE',
    );
  });

  it('R13: `accounts close --json` and `refunds list --json` through the CLI', async () => {
    const run = promisify(execFile);
    const out = await tempDir('tagih-close-cli-');
    const env = { ...process.env, DATABASE_URL: t.url, TAGIH_OUT: out, TAGIH_REVIEW_BEFORE_SENDING: 'false' };
    await expect(
      run('npx', ['tsx', 'src/cli/accounts.ts', 'close', '--customer', 'SHORT', '--date', '2099-01-01'], {
        env,
      }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/in the future/) });
    const closedNow = JSON.parse(
      (
        await run(
          'npx',
          ['tsx', 'src/cli/accounts.ts', 'close', '--customer', 'SHORT', '--date', '2026-03-17', '--json'],
          { env },
        )
      ).stdout,
    );
    expect(closedNow).toEqual({
      customer_code: 'SHORT',
      closing_date: '2026-03-17',
      final_invoice_number: null,
      invoices_issued: [],
      settled: [],
      open_amount: 0,
      refund_amount: 10_000_000,
      refund_due_date: '2026-04-02',
    });
    const refunds = JSON.parse(
      (await run('npx', ['tsx', 'src/cli/refunds.ts', 'list', '--unpaid', '--json'], { env })).stdout,
    );
    expect(refunds.map((r: { customer_code: string }) => r.customer_code)).toEqual([
      'NOFEB',
      'QUIET',
      'SHORT',
    ]);
  });
});
