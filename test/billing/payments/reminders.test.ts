// Dunning: a reminder 3 days before an open invoice's due date and one the day after it, each at most once.
import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { recordPayment } from '../../../src/billing/payments/payments.ts';
import { queueReminders, runReminders } from '../../../src/billing/payments/reminders.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { sendPendingMail } from '../../../src/mail/send-mail.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../../support/fixtures.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
const numbers = new Map<string, string>();

const remind = (today: string) => queueReminders(t.db, { today, daysBeforeDue: 3, daysAfterDue: 1 });
const kinds = (s: Awaited<ReturnType<typeof remind>>) =>
  s.queued.map((q) => `${q.kind}:${q.customer_code}`).sort();

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-remind-') };
  const codes = ['OPEN', 'PART', 'PAID', 'VOID', 'HELD'];
  await addCustomers(t.db, codes);
  for (const code of codes) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-10-10T10:00:00+07:00' });
  }
  // R8: issued 1 November 2026, due 15 November.
  const summary = await runInvoiceMonth(database, config, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: new Date('2026-11-01T03:00:00+07:00'),
  });
  for (const i of summary.issued) numbers.set(i.customerCode, i.number);
  const total = summary.issued.find((i) => i.customerCode === 'PAID')!.total;
  await recordPayment(t.db, {
    invoiceNumber: numbers.get('PAID')!,
    amount: total,
    date: '2026-11-05',
    ref: null,
    actor: 'test',
  });
  await recordPayment(t.db, {
    invoiceNumber: numbers.get('PART')!,
    amount: 1000,
    date: '2026-11-05',
    ref: null,
    actor: 'test',
  });
  await t.db
    .updateTable('invoices')
    .set({ status: 'void', void_reason: 'test' })
    .where('number', '=', numbers.get('VOID')!)
    .execute();
  await t.db
    .updateTable('invoices')
    .set({ review_state: 'held' })
    .where('number', '=', numbers.get('HELD')!)
    .execute();
  // The invoice mails themselves are not what this file is about.
  await t.db.deleteFrom('mail_outbox').execute();
});
afterAll(async () => {
  await t.close();
});

describe('reminders', () => {
  it('nothing before the window: 11 November is 4 days before the due date', async () => {
    expect((await remind('2026-11-11')).queued).toEqual([]);
  });

  it('3 days before the due date: open and partially paid invoices only (not paid, void or held)', async () => {
    const s = await remind('2026-11-12');
    expect(kinds(s)).toEqual(['reminder_before_due:OPEN', 'reminder_before_due:PART']);
    expect(s.queued.find((q) => q.customer_code === 'PART')).toMatchObject({
      due_date: '2026-11-15',
      invoice_number: numbers.get('PART'),
    });
    expect(s.beforeDue).toBe(2);
  });

  it('at most once per invoice: the next days queue nothing new', async () => {
    expect((await remind('2026-11-12')).queued).toEqual([]);
    expect((await remind('2026-11-13')).queued).toEqual([]);
    expect((await remind('2026-11-15')).queued).toEqual([]);
  });

  it('a day missed is made up: 2 days before still sends it (daemon down on the 12th)', async () => {
    await t.db.deleteFrom('mail_outbox').where('kind', '=', 'reminder_before_due').execute();
    expect(kinds(await remind('2026-11-13'))).toEqual([
      'reminder_before_due:OPEN',
      'reminder_before_due:PART',
    ]);
  });

  it('the day after the due date: the overdue reminder, once', async () => {
    const s = await remind('2026-11-16');
    expect(kinds(s)).toEqual(['reminder_overdue:OPEN', 'reminder_overdue:PART']);
    expect(s.overdue).toBe(2);
    expect((await remind('2026-11-17')).queued).toEqual([]);
    const outbox = await t.db
      .selectFrom('mail_outbox')
      .select(['kind', 'subject_key', 'status'])
      .orderBy('id')
      .execute();
    expect(outbox).toHaveLength(4);
    expect(outbox.every((m) => /^invoice:\d+$/.test(m.subject_key) && m.status === 'pending')).toBe(true);
  });

  it('the reminders go out as mails with the invoice attached again', async () => {
    const sent = await sendPendingMail(database, config, { now: new Date(Date.now() + 60_000) });
    expect(sent).toMatchObject({ sent: 4, failed: 0 });
    const mails = await Promise.all(sent.files.map(async (f) => simpleParser(await readFile(f))));
    const subjects = mails.map((m) => m.subject ?? '').sort();
    expect(subjects.filter((x) => x.startsWith('Pengingat: Tagihan'))).toHaveLength(2);
    expect(subjects.filter((x) => x.includes('telah lewat jatuh tempo'))).toHaveLength(2);
    const overdue = mails.find((m) => m.subject?.startsWith(`Tagihan ${numbers.get('OPEN')} telah lewat`));
    expect(overdue?.text).toContain('Jumlah yang belum dibayar');
    expect(overdue?.attachments.some((a) => a.contentType === 'application/pdf')).toBe(true);
  });

  it('runReminders takes the job lock and refuses a date that is not one', async () => {
    const s = await runReminders(database, { today: '2026-11-18', daysBeforeDue: 3, daysAfterDue: 1 });
    expect(s.queued).toEqual([]);
    await expect(remind('18-11-2026')).rejects.toThrow(/'18-11-2026' is not a date; expected YYYY-MM-DD/);
  });
});
