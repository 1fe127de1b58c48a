// Catch-up on a real database: job_runs says the daemon last ran on the evening of 31 October 2026; it starts again
// at 03:00 WIB on 1 November (a fake clock), so the settlement and invoices of the 1st are run at start-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import { recordJobRun } from '../../src/scheduler/job-runs.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  asDatabase,
  at,
  invoicesAreWhole,
  lastJobRunId,
  memoryLogger,
  octoberUsage,
  okRunsPerJob,
  ranUntilOctober31,
  schedulerConfig,
} from './support.ts';

let t: TestDatabase;
let database: Database;
let config: Config;

beforeAll(async () => {
  t = await createTestDatabase();
  database = asDatabase(t);
  config = await schedulerConfig();
  await octoberUsage(t.db, ['ALFA', 'BRAVO', 'CHARLIE']);
  await ranUntilOctober31(t.db);
});
afterAll(async () => {
  await t.close();
});

describe('catch-up after an outage over the 1st', () => {
  it('issues the month’s invoices at start-up, and says so in the log', async () => {
    // A run a killed process left 'running' (no liveness lock held): marked failed at start-up.
    const dead = await t.db
      .insertInto('job_runs')
      .values({
        job: 'quota',
        trigger: 'schedule',
        outcome: 'running',
        started_at: at('2026-10-31T23:00:05'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const seeded = await lastJobRunId(t.db);
    const { log, lines } = memoryLogger();
    const now = at('2026-11-01T03:00');
    const scheduler = new Scheduler({ database, config, log, clock: () => now });

    const plan = await scheduler.catchUp();
    expect(plan.map((p) => p.job)).toEqual([
      'partitions',
      'rollup',
      'settle',
      'invoice',
      'quota',
      'prepaid',
      'mail',
    ]);
    await scheduler.idle();

    expect(scheduler.reports.map((r) => [r.job, r.trigger, r.outcome])).toEqual([
      ['partitions', 'catch-up', 'ok'],
      ['rollup', 'catch-up', 'ok'],
      ['settle', 'catch-up', 'ok'],
      ['invoice', 'catch-up', 'ok'],
      ['quota', 'catch-up', 'ok'],
      ['prepaid', 'catch-up', 'ok'],
      ['mail', 'catch-up', 'ok'],
    ]);
    const invoiceRun = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', 'invoice')
      .where('id', '>', seeded)
      .executeTakeFirstOrThrow();
    expect(invoiceRun).toMatchObject({ trigger: 'catch-up', outcome: 'ok', error: null });
    expect(invoiceRun.counts).toMatchObject({
      tick: '2026-10-31T18:00:00.000Z',
      month: '2026-10',
      issue_date: '2026-11-01',
      issued: 3,
      no_usage: 1,
    });
    // The mail is queued; with the clock at 1 November it is not due yet (queued 'now' in real time).
    expect(invoiceRun.counts).toHaveProperty('mail_sent');
    const invoices = await t.db.selectFrom('invoices').select(['invoice_date', 'period']).execute();
    expect(invoices).toEqual(Array(3).fill({ invoice_date: '2026-11-01', period: '2026-10-01' }));
    expect(await invoicesAreWhole(t.db)).toEqual({ count: 3, problems: [] });

    const messages = lines().map((l) => l.msg as string);
    expect(messages).toContain(
      'catch-up: invoice (last successful run 2026-10-01T01:00+07:00) runs now for 2026-11-01T01:00+07:00',
    );
    // Issue 17: the run cut off is recorded as interrupted, not left 'running', and the start says so.
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^run ${dead.id} of quota \\(started .*\\) was cut off before it finished .*; marked interrupted`,
        ),
      ),
    );
    const abandoned = await t.db
      .selectFrom('job_runs')
      .select(['outcome', 'error'])
      .where('id', '=', dead.id)
      .executeTakeFirstOrThrow();
    expect(abandoned.outcome).toBe('interrupted');
    expect(abandoned.error).toMatch(/^interrupted: the process running it ended/);
  });

  it('a second start at the same time has nothing to catch up', async () => {
    const before = await lastJobRunId(t.db);
    const { log, lines } = memoryLogger();
    const scheduler = new Scheduler({ database, config, log, clock: () => at('2026-11-01T03:01') });
    expect(await scheduler.catchUp()).toEqual([]);
    await scheduler.idle();
    expect(await okRunsPerJob(t.db, before)).toEqual({});
    expect(lines().map((l) => l.msg)).toContain('catch-up: nothing was missed');
  });

  it('a successful run by hand (recordJobRun) counts for the catch-up; a failed one does not', async () => {
    await expect(
      recordJobRun(database, 'reminders', 'manual', async () => {
        throw new Error('SMTP smtp://billing:s3cret@mail.example.id:587 refused');
      }),
    ).rejects.toThrow(/refused/);
    const failed = await t.db
      .selectFrom('job_runs')
      .select(['outcome', 'error', 'finished_at'])
      .where('job', '=', 'reminders')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toBe('SMTP smtp://billing:***@mail.example.id:587 refused');
    expect(failed.finished_at).not.toBeNull();

    // At 08:05 on the 1st the reminders of 08:00 are missing…
    const later = () => at('2026-11-01T08:05');
    const scheduler = new Scheduler({ database, config, log: memoryLogger().log, clock: later });
    const missing = await scheduler.planCatchUp();
    expect(missing.map((p) => p.job)).toContain('reminders');
    // …until a clerk runs them by hand (the real clock: now, after 08:00 WIB of 1 November 2026).
    const result = await recordJobRun(database, 'reminders', 'manual', async () => ({ queued: 0 }), {
      countsOf: (r) => ({ queued: r.queued }),
    });
    expect(result).toEqual({ queued: 0 });
    expect((await scheduler.planCatchUp()).map((p) => p.job)).not.toContain('reminders');
  });
});
