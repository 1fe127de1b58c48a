// `npm run status -- [--json]` on a database where the daemon ran, a job failed, an invoice is past due, an account
// is suspended and a mail failed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import type { Status } from '../../src/operations/status.ts';
import { asDatabase, at, octoberUsage, ranUntilOctober31, schedulerConfig } from '../scheduler/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { customerId } from '../support/fixtures.ts';

const run = promisify(execFile);
let t: TestDatabase;

async function status(...args: string[]) {
  return run(path.resolve('node_modules/.bin/tsx'), ['src/cli/status.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url },
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const config = await schedulerConfig();
  await octoberUsage(t.db, ['ALFA', 'BRAVO']);
  await ranUntilOctober31(t.db);
  await runInvoiceMonth(asDatabase(t), config, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: at('2026-11-01T03:00'),
  });
  await t.db
    .insertInto('job_runs')
    .values({
      job: 'mail',
      trigger: 'schedule',
      started_at: at('2026-11-01T00:00'),
      finished_at: at('2026-11-01T00:00:03'),
      outcome: 'failed',
      error: 'connect ECONNREFUSED 127.0.0.1:587',
    })
    .execute();
  await t.db
    .insertInto('suspensions')
    .values({ customer_id: await customerId(t.db, 'BRAVO'), reason: 'unpaid', month: null })
    .execute();
  await t.db
    .updateTable('mail_outbox')
    .set({ status: 'failed', last_error: '550 mailbox unavailable' })
    .where('customer_id', '=', await customerId(t.db, 'ALFA'))
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe('npm run status', () => {
  it('--json: each job, the mail, suspended accounts, open invoices past due', async () => {
    const { stdout } = await status('--json');
    const s = JSON.parse(stdout) as Status;
    expect(s.daemons).toBe(0);
    const jobs = Object.fromEntries(s.jobs.map((j) => [j.job, j]));
    expect(Object.keys(jobs)).toEqual([
      'partitions',
      'rollup',
      'settle',
      'invoice',
      'quota',
      'reminders',
      'prepaid',
      'mail',
    ]);
    // The real clock is weeks past the seeded runs: every job is behind (the daemon is not running).
    expect(jobs.invoice).toMatchObject({
      cron: '0 1 1 * *',
      failures: 0,
      behind: true,
      last_ok: { started_at: '2026-09-30T18:00:00.000Z', outcome: 'ok' },
    });
    expect(jobs.mail).toMatchObject({
      failures: 1,
      last_run: { outcome: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:587' },
    });
    expect(new Date(jobs.quota!.next_run!).getTime()).toBeGreaterThan(Date.now());
    expect(s.mail).toMatchObject({ pending: 1, failed: 1, held: 0 });
    expect(s.mail.recent_failures[0]).toMatchObject({
      kind: 'invoice_issued',
      error: '550 mailbox unavailable',
    });
    expect(s.suspended).toEqual([{ customer_code: 'BRAVO', reason: 'unpaid', since: expect.any(String) }]);
    // Due 15 November 2026, still open now.
    expect(s.past_due.map((i) => [i.customer_code, i.due_date])).toEqual([
      ['ALFA', '2026-11-15'],
      ['BRAVO', '2026-11-15'],
    ]);
    expect(s.past_due[0]!.days_overdue).toBeGreaterThan(0);
  });

  it('for a person: a table of the jobs and what needs attention', async () => {
    const { stdout } = await status();
    expect(stdout).toContain("Daemon: not running on this database ('npm start' runs it).");
    expect(stdout).toMatch(/^job +schedule +last run +last success +failures +next run/m);
    expect(stdout).toMatch(/^invoice \(behind\) +0 1 1 \* \* +2026-10-01T01:00\+07:00 ok \(schedule\)/m);
    expect(stdout).toContain('mail last failed: connect ECONNREFUSED 127.0.0.1:587');
    expect(stdout).toContain('Mail: 1 pending, 0 held for review, 1 failed.');
    expect(stdout).toContain('BRAVO: unpaid since');
    expect(stdout).toContain('Open invoices past their due date: 2');
  });
});
