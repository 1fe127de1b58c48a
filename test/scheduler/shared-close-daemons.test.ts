// Issue 16: two daemons on one database share the month close: the one whose invoice job runs plans the month and
// works its items; the other, whose job is skipped, joins the same close instead of idling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createDb, type Database } from '../../src/db/connect.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import { registerDaemon } from '../../src/scheduler/daemon-presence.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
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

const CODES = Array.from({ length: 24 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);

let t: TestDatabase;
let first: Database;
let second: Database;
let config: Config;

beforeAll(async () => {
  t = await createTestDatabase();
  first = asDatabase(createDb(t.url, 10));
  second = asDatabase(createDb(t.url, 10));
  config = { ...(await schedulerConfig()), outDir: await tempDir('tagih-shared-daemons-') };
  await octoberUsage(t.db, CODES);
  await ranUntilOctober31(t.db);
});
afterAll(async () => {
  await first.db.destroy();
  await second.db.destroy();
  await t.close();
});

/** Sessions waiting for an advisory lock (here: the numbering lock, one lane of each daemon). */
async function advisoryWaiters(): Promise<number> {
  const { rows } = await t.pool.query<{ n: number }>(
    `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
      and database = (select oid from pg_database where datname = current_database())`,
  );
  return rows[0]!.n;
}

describe('two daemons share the month close', () => {
  it('R7: one plans October, both issue its items; numbers gapless, one invoice each, one invoice run', async () => {
    const presences = [await registerDaemon(first.pool), await registerDaemon(second.pool)];
    try {
      const before = await lastJobRunId(t.db);
      const now = () => at('2026-11-01T01:00:05');
      const logs = [memoryLogger(), memoryLogger()];
      const a = new Scheduler({ database: first, config, log: logs[0]!.log, clock: now });
      const b = new Scheduler({ database: second, config, log: logs[1]!.log, clock: now });
      const tick = at('2026-11-01T01:00');
      // The numbering lock held until both daemons wait for it, so the planner cannot finish the month alone
      // before the other has joined (PostgreSQL grants a contended lock in the order asked).
      const gate = await t.pool.connect();
      await gate.query("select pg_advisory_lock(hashtext('tagih:invoice-numbering:2026-10'))");
      const running = Promise.all([
        a.runJob('invoice', 'schedule', tick),
        b.runJob('invoice', 'schedule', tick),
      ]);
      while ((await advisoryWaiters()) < 2) await new Promise((r) => setTimeout(r, 50));
      await gate.query("select pg_advisory_unlock(hashtext('tagih:invoice-numbering:2026-10'))");
      gate.release();
      const reports = await running;
      expect(reports.map((r) => r.outcome).sort()).toEqual(['ok', 'skipped']);
      expect(await okRunsPerJob(t.db, before)).toEqual({ invoice: 1 });

      // The skipped daemon says it joined the close and what it did there.
      const skipped = await t.db
        .selectFrom('job_runs')
        .select('counts')
        .where('outcome', '=', 'skipped')
        .where('id', '>', before)
        .executeTakeFirstOrThrow();
      const reason = (skipped.counts as { reason: string }).reason;
      expect(reason).toMatch(
        /another tagih daemon is running this job now; this daemon joined its close of 2026-10/,
      );

      // Every item was worked by one of the two daemons' workers, and the month is whole.
      const items = await t.db.selectFrom('invoice_work_items').select(['status', 'worker']).execute();
      expect(items).toHaveLength(CODES.length);
      expect(items.every((i) => i.status === 'done')).toBe(true);
      expect(await invoicesAreWhole(t.db)).toEqual({ count: CODES.length, problems: [] });
      const joinedIssued = Number(/(\d+) invoice\(s\) issued/.exec(reason)![1]);
      expect(joinedIssued).toBeGreaterThan(0);
      expect(joinedIssued).toBeLessThan(CODES.length);
      expect(new Set(items.map((i) => i.worker)).size).toBe(2);
    } finally {
      for (const p of presences) await p.release();
    }
  }, 120_000);
});
