// Two daemons started by mistake on one database (two schedulers, each with its own pool): every job runs once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createDb, type Database } from '../../src/db/connect.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import { registerDaemon, runningDaemons } from '../../src/scheduler/daemon-presence.ts';
import type { JobRunner } from '../../src/scheduler/jobs.ts';
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
let first: Database;
let second: Database;
let config: Config;

beforeAll(async () => {
  t = await createTestDatabase();
  first = asDatabase(createDb(t.url, 10));
  second = asDatabase(createDb(t.url, 10));
  config = await schedulerConfig();
  await octoberUsage(t.db, ['ALFA', 'BRAVO', 'CHARLIE', 'DELTA']);
  await ranUntilOctober31(t.db);
});
afterAll(async () => {
  await first.db.destroy();
  await second.db.destroy();
  await t.close();
});

describe('two daemons on one database', () => {
  it('each daemon registers: the second learns of the first, status counts both', async () => {
    const one = await registerDaemon(first.pool);
    const two = await registerDaemon(second.pool);
    expect([one.others, two.others]).toEqual([0, 1]);
    expect(await runningDaemons(t.db)).toBe(2);
    await one.release();
    expect(await runningDaemons(t.db)).toBe(1);
    await two.release();
    expect(await runningDaemons(t.db)).toBe(0);
  });

  it('both catch up at start-up at the same moment: each job runs once, one set of invoices', async () => {
    const before = await lastJobRunId(t.db);
    const now = () => at('2026-11-01T03:00');
    const a = new Scheduler({ database: first, config, log: memoryLogger().log, clock: now });
    const b = new Scheduler({ database: second, config, log: memoryLogger().log, clock: now });
    await Promise.all([a.catchUp(), b.catchUp()]);
    await Promise.all([a.idle(), b.idle()]);

    expect(await okRunsPerJob(t.db, before)).toEqual({
      invoice: 1,
      mail: 1,
      partitions: 1,
      prepaid: 1,
      quota: 1,
      rollup: 1,
      settle: 1,
    });
    const outcomes = [...a.reports, ...b.reports].map((r) => `${r.job}:${r.outcome}`).sort();
    expect(outcomes).toEqual(
      ['invoice', 'mail', 'partitions', 'prepaid', 'quota', 'rollup', 'settle']
        .flatMap((j) => [`${j}:ok`, `${j}:skipped`])
        .sort(),
    );
    expect(await invoicesAreWhole(t.db)).toEqual({ count: 4, problems: [] });
    const skipped = await t.db
      .selectFrom('job_runs')
      .select(['job', 'counts'])
      .where('outcome', '=', 'skipped')
      .where('id', '>', before)
      .execute();
    expect(skipped).toHaveLength(7);
    for (const s of skipped) {
      expect((s.counts as { reason: string }).reason).toMatch(/another tagih daemon is running|already done/);
    }
  });

  it('a tick fired in both: the one that gets the job lock runs it, the other skips', async () => {
    const before = await lastJobRunId(t.db);
    let calls = 0;
    // A slow job, so the two really overlap.
    const slow: JobRunner = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 300));
      return { outcome: 'ok', counts: { calls } };
    };
    const now = () => at('2026-11-01T04:00:10');
    const a = new Scheduler({
      database: first,
      config,
      log: memoryLogger().log,
      clock: now,
      jobs: { quota: slow },
    });
    const b = new Scheduler({
      database: second,
      config,
      log: memoryLogger().log,
      clock: now,
      jobs: { quota: slow },
    });
    const tick = at('2026-11-01T04:00');
    const [ra, rb] = await Promise.all([
      a.runJob('quota', 'schedule', tick),
      b.runJob('quota', 'schedule', tick),
    ]);
    expect([ra.outcome, rb.outcome].sort()).toEqual(['ok', 'skipped']);
    expect(calls).toBe(1);

    // The same tick arriving late in one of them (its clock was behind): already done, skipped.
    const late = await b.runJob('quota', 'schedule', tick);
    expect(late.outcome).toBe('skipped');
    expect(calls).toBe(1);
    expect(await okRunsPerJob(t.db, before)).toEqual({ quota: 1 });
  });
});
