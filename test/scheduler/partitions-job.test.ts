// Issue 16: the daemon's own partitions job creates the messages partitions of this month and the next two ahead
// of their rows, moves rows that waited in the default partition, and warns about those still waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPartitionRows, partitionMonths } from '../../src/partitions/partitions.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, ingestLines, sendLine } from '../support/fixtures.ts';
import { asDatabase, at, memoryLogger, schedulerConfig } from './support.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
});
afterAll(async () => {
  await t.close();
});

describe('the partitions job', () => {
  it('R1: creates this month and the next two, moves waiting rows in, warns about a month still without one', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'ACME', sendingid: 7001, sent_at: '2032-05-20T10:00:00+07:00' }),
      sendLine({ customer: 'ACME', sendingid: 7002, sent_at: '2033-01-05T10:00:00+07:00' }),
    ]);
    expect(await defaultPartitionRows(t.pool)).toEqual([
      { month: '2032-05', rows: 1 },
      { month: '2033-01', rows: 1 },
    ]);
    const { log, lines } = memoryLogger();
    const now = at('2032-04-10T00:05:02');
    const scheduler = new Scheduler({
      database: asDatabase(t),
      config: await schedulerConfig(),
      log,
      clock: () => now,
    });
    const report = await scheduler.runJob('partitions', 'schedule', at('2032-04-10T00:05'));
    expect(report.outcome).toBe('ok');

    expect(await partitionMonths(t.pool)).toEqual(expect.arrayContaining(['2032-04', '2032-05', '2032-06']));
    const where = await t.pool.query<{ sending_id: string; part: string }>(
      'select sending_id, tableoid::regclass::text as part from messages where sending_id in (7001, 7002) order by 1',
    );
    expect(where.rows.map((r) => r.part)).toEqual(['messages_2032_05', 'messages_default']);
    const run = await t.db
      .selectFrom('job_runs')
      .select('counts')
      .where('id', '=', report.runId!)
      .executeTakeFirstOrThrow();
    expect(run.counts).toMatchObject({ partitions_created: 3, default_partition_rows: 1 });
    expect(
      lines().some((l) => /1 message\(s\) of 2033-01 wait in messages_default/.test(String(l.msg))),
    ).toBe(true);

    // A second run the same day creates nothing.
    const again = await scheduler.runJob('partitions', 'schedule', at('2032-04-11T00:05'));
    expect(again.outcome).toBe('ok');
    const second = await t.db
      .selectFrom('job_runs')
      .select('counts')
      .where('id', '=', again.runId!)
      .executeTakeFirstOrThrow();
    expect(second.counts).toMatchObject({ partitions_created: 0 });
  });
});
