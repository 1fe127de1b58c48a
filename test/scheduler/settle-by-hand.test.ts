// Issue 17 (R11): `npm run settle -- --as-of 2026-11-30` by hand settles the invoices issued in October, and must
// not stand for the scheduled month-end settlement of 1 December, which the daemon's catch-up still runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { settleCountsForCatchUp } from '../../src/operations/settle-by-hand.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/run-cli.ts';
import { asDatabase, at, memoryLogger, octoberUsage, ranUntilOctober31, schedulerConfig } from './support.ts';

let t: TestDatabase;
let database: Database;
let config: Config;

beforeAll(async () => {
  t = await createTestDatabase();
  database = asDatabase(t);
  config = await schedulerConfig();
  await octoberUsage(t.db, ['ALFA', 'BRAVO']);
  await ranUntilOctober31(t.db);
  // The daemon's 1 November: October's invoices issued, dated 1 November, open until the month-end settlement.
  const november = new Scheduler({
    database,
    config,
    log: memoryLogger().log,
    clock: () => at('2026-11-01T03:00'),
  });
  await november.catchUp();
  await november.idle();
}, 240_000);
afterAll(async () => {
  await t.close();
});

const openOctober = () =>
  t.db
    .selectFrom('invoices')
    .select(['number', 'status', 'paid_amount'])
    .where('period', '=', '2026-10-01')
    .orderBy('number')
    .execute();

describe('R11: settlement by hand for a day other than the 1st', () => {
  it('the rule: only a run as of the 1st of the current month counts', () => {
    const dec1 = at('2026-12-01T09:00');
    expect(settleCountsForCatchUp('2026-12-01', dec1)).toBe(true);
    expect(settleCountsForCatchUp('2026-11-30', dec1)).toBe(false);
    expect(settleCountsForCatchUp('2026-11-01', dec1)).toBe(false);
    expect(settleCountsForCatchUp('2026-12-01', at('2026-12-03T09:00'))).toBe(true);
    expect(settleCountsForCatchUp('2026-12-02', at('2026-12-03T09:00'))).toBe(false);
  });

  it('after `settle --as-of 2026-11-30` the daemon’s catch-up still runs the settlement of 1 December', async () => {
    const before = await openOctober();
    expect(before.length).toBe(2);
    expect(before.every((i) => i.status === 'issued' && Number(i.paid_amount) === 0)).toBe(true);

    const manual = await runCli('settle', ['--as-of', '2026-11-30', '--json'], {
      DATABASE_URL: t.url,
      TAGIH_OUT: config.outDir,
    });
    expect(manual.code).toBe(0);
    // As of 30 November it settles what was issued in October (nothing here), not October's invoices.
    expect(JSON.parse(manual.stdout)).toMatchObject({
      as_of: '2026-11-30',
      invoice_month: '2026-10',
      deducted_total: 0,
    });
    expect((await openOctober()).every((i) => i.status === 'issued')).toBe(true);
    const manualRuns = await t.db
      .selectFrom('job_runs')
      .select('id')
      .where('job', '=', 'settle')
      .where('trigger', '=', 'manual')
      .execute();
    expect(manualRuns).toEqual([]);

    const scheduler = new Scheduler({
      database,
      config,
      log: memoryLogger().log,
      clock: () => at('2026-12-01T03:00'),
    });
    const plan = await scheduler.catchUp();
    expect(plan.map((p) => p.job)).toContain('settle');
    await scheduler.idle();
    const settle = scheduler.reports.filter((r) => r.job === 'settle');
    expect(settle.map((r) => [r.trigger, r.outcome])).toEqual([['catch-up', 'ok']]);
    const after = await openOctober();
    expect(after.map((i) => i.status)).toEqual(['settled_from_deposit', 'settled_from_deposit']);
    expect(after.every((i) => Number(i.paid_amount) > 0)).toBe(true);
  });
});
