import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { approveInvoices, voidAndReissue } from '../../../src/billing/invoicing/invoice-review.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';
import { startTestSmtp, type TestSmtp } from '../../support/smtp.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
let smtp: TestSmtp;
const NOW = new Date('2026-11-20T03:00:00Z');

async function liveInvoice(code: string) {
  return t.db
    .selectFrom('invoices')
    .selectAll()
    .where('customer_id', '=', await customerId(t.db, code))
    .where('status', '<>', 'void')
    .executeTakeFirstOrThrow();
}

async function counts() {
  const n = async (table: 'invoices' | 'credit_notes' | 'mail_outbox' | 'invoice_events') =>
    (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  const counters =
    await sql`select * from invoice_counters union all select * from credit_note_counters`.execute(t.db);
  return {
    invoices: await n('invoices'),
    creditNotes: await n('credit_notes'),
    mail: await n('mail_outbox'),
    events: await n('invoice_events'),
    counters: counters.rows,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  smtp = await startTestSmtp();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({ SMTP_URL: smtp.url }), outDir: await tempDir('tagih-void-') };
  await addCustomers(t.db, ['FAIL', 'SWAP'], 10_000_000);
  for (const code of ['FAIL', 'SWAP']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-10-10T10:00:00+07:00' });
  }
  await runInvoiceMonth(database, config, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: true,
    now: NOW,
  });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

describe('R16 void and reissue', () => {
  it('R16: a failure injected in the middle of void-and-reissue leaves the invoice as it was', async () => {
    const before = await liveInvoice('FAIL');
    const countsBefore = await counts();
    // A real failure, raised by the database after the credit note, the void and the new invoice were written.
    await sql`
      create function fail_reissue() returns trigger language plpgsql as $$
      begin raise exception 'injected failure'; end $$;
      create trigger fail_reissue before insert on invoice_events
        for each row when (new.event = 'reissued') execute function fail_reissue();
    `.execute(t.db);
    try {
      await expect(voidAndReissue(database, config, before.id, 'wrong prices', 'test', NOW)).rejects.toThrow(
        /injected failure/,
      );
    } finally {
      await sql`drop trigger fail_reissue on invoice_events; drop function fail_reissue;`.execute(t.db);
    }
    const after = await liveInvoice('FAIL');
    expect(after).toEqual(before);
    expect(await counts()).toEqual(countsBefore);
  });

  it('R16: one mail says INV/… is cancelled and replaced by INV/…, with both PDFs (read back over SMTP)', async () => {
    const old = await liveInvoice('SWAP');
    // A data correction: 20 of the month's messages were rejected after all, so the new invoice really recomputes.
    await sql`update messages set delivery_status = 6 where customer_id = ${old.customer_id}
      and sending_id in (select sending_id from messages where customer_id = ${old.customer_id} order by sending_id limit 20)`.execute(
      t.db,
    );
    const result = await voidAndReissue(
      database,
      config,
      old.id,
      'twenty messages were rejected',
      'test',
      NOW,
    );
    const replacement = await liveInvoice('SWAP');
    expect(replacement.number).toBe(result.reissued.number);
    expect(replacement.subtotal).toBe(80 * 350);
    const voided = await t.db
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    expect(voided.status).toBe('void');
    expect(voided.credited_total).toBe(old.total);
    const note = await t.db
      .selectFrom('credit_notes')
      .selectAll()
      .where('number', '=', result.creditNote)
      .executeTakeFirstOrThrow();
    expect(note).toMatchObject({ invoice_id: old.id, kind: 'void', total: old.total, tax: old.tax });

    // The void invoice's PDF stays where it was, now marked BATAL / VOID.
    const folder = path.join(config.outDir, '2026-10');
    const voidPdf = path.join(folder, `${old.number.replaceAll('/', '-')}_SWAP.pdf`);
    expect(existsSync(voidPdf)).toBe(true);
    const { stdout } = await promisify(execFile)('pdftotext', [voidPdf, '-']);
    expect(stdout).toContain('BATAL / VOID – tagihan ini dibatalkan');
    const creditNotesCsv = await readFile(path.join(folder, 'credit_notes.csv'), 'utf8');
    expect(creditNotesCsv).toContain(`${result.creditNote},`);

    const approved = await approveInvoices(database, config, [replacement.id], 'test', NOW);
    expect(approved.mail.sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.subject).toContain(`${old.number} dibatalkan dan diganti oleh ${replacement.number}`);
    expect(mail.text).toContain(
      `Tagihan ${old.number} dibatalkan dan diganti oleh tagihan ${replacement.number}.`,
    );
    expect(mail.text).toContain(
      `Invoice ${old.number} is cancelled and replaced by invoice ${replacement.number}.`,
    );
    const pdfs = mail.attachments.filter((a) => a.contentType === 'application/pdf').map((a) => a.filename);
    expect(pdfs).toEqual([
      `${replacement.number.replaceAll('/', '-')}_SWAP.pdf`,
      `${old.number.replaceAll('/', '-')}_SWAP.pdf`,
      `${result.creditNote.replaceAll('/', '-')}_SWAP.pdf`,
    ]);
    const attachedVoid = mail.attachments.find((a) => a.filename === path.basename(voidPdf))!;
    expect(attachedVoid.content.equals(await readFile(voidPdf))).toBe(true);
  });
});
