import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDailyUsage, runRollup } from '../../../src/billing/quota/rollup.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, ingestLines, reportLine, sendLine } from '../../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ROLA', 'ROLB']);
});
afterAll(async () => {
  await t.close();
});

/** The rollups as stored, and the same figures aggregated directly from the messages. */
async function rollupsAndDirect() {
  const rollups = await sql<Record<string, unknown>>`
    select customer_id, product, operator, day::text, messages, billable_messages, billable_parts
    from daily_usage order by 1, 2, 3, 4
  `.execute(t.db);
  const direct = await sql<Record<string, unknown>>`
    select customer_id, product, operator, (sent_at at time zone 'Asia/Jakarta')::date::text as day,
      count(*)::bigint as messages, count(*) filter (where billable)::bigint as billable_messages,
      coalesce(sum(parts) filter (where billable), 0)::bigint as billable_parts
    from messages group by 1, 2, 3, 4 order by 1, 2, 3, 4
  `.execute(t.db);
  return { rollups: rollups.rows, direct: direct.rows };
}

describe('R10: daily usage rollups', () => {
  it('R10: rollups equal a direct aggregation of the messages, WIB days included', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'ROLA', sendingid: 1, sent_at: '2026-10-04T16:59:59Z' }), // 4 Oct 23:59:59 WIB
      sendLine({ customer: 'ROLA', sendingid: 2, sent_at: '2026-10-04T17:00:00Z' }), // 5 Oct 00:00 WIB
      sendLine({
        customer: 'ROLA',
        sendingid: 3,
        sent_at: '2026-10-05T09:00:00+07:00',
        message: 'a'.repeat(2001),
      }),
      sendLine({
        customer: 'ROLA',
        sendingid: 4,
        sent_at: '2026-10-05T09:00:01+07:00',
        number: '0857-1111-2222',
      }),
      sendLine({ customer: 'ROLA', sendingid: 5, sent_at: '2026-10-05T09:00:02+07:00', sendingstatus: 60 }),
      sendLine({
        customer: 'ROLB',
        sendingid: 6,
        sent_at: '2026-10-05T10:00:00+07:00',
        number: '+14155550100',
      }),
      sendLine({ customer: 'ROLB', sendingid: 7, sent_at: '2026-10-06T10:00:00+07:00' }),
      reportLine(7, 6), // Reject: not billable
    ]);
    const dirty = await t.db.selectFrom('daily_usage_dirty').selectAll().execute();
    expect(dirty.length).toBeGreaterThan(0);
    const refreshed = await refreshDailyUsage(t.db);
    expect(refreshed.days).toBe(4); // ROLA 4 and 5 Oct, ROLB 5 and 6 Oct
    const { rollups, direct } = await rollupsAndDirect();
    expect(rollups).toEqual(direct);
    expect(rollups.length).toBe(5);
    expect(await t.db.selectFrom('daily_usage_dirty').selectAll().execute()).toEqual([]);
  });

  it('R2/R10: a late delivery report and a late message update their day, and only their day', async () => {
    const untouched = await t.db
      .selectFrom('daily_usage')
      .select(['customer_id', 'day', 'updated_at'])
      .where('day', '=', '2026-10-06')
      .execute();
    await ingestLines(
      t.pool,
      [
        reportLine(3, 5), // Cancel of the 3-part message of 5 Oct
        reportLine(4, 3), // Delivered: billable before and after, the figures do not change
        sendLine({ customer: 'ROLA', sendingid: 8, sent_at: '2026-10-04T08:00:00+07:00' }), // a late message for 4 Oct
        reportLine(99, 5), // a report before its send record: waits, changes nothing yet
      ],
      'late.jsonl',
    );
    const dirty = await t.db.selectFrom('daily_usage_dirty').select('day').orderBy('day').execute();
    expect(dirty.map((d) => d.day)).toEqual(['2026-10-04', '2026-10-05']);
    const before = await rollupsAndDirect();
    expect(before.rollups).not.toEqual(before.direct);
    await refreshDailyUsage(t.db);
    const after = await rollupsAndDirect();
    expect(after.rollups).toEqual(after.direct);
    // 2 (billable), 3 (now Cancel) and 5 (status 60) are telkomsel on 5 Oct.
    const day5 = after.rollups.filter((r) => r.day === '2026-10-05' && r.operator === 'telkomsel');
    expect(day5).toEqual([expect.objectContaining({ messages: 3, billable_messages: 1, billable_parts: 1 })]);
    expect(
      await t.db
        .selectFrom('daily_usage')
        .select(['customer_id', 'day', 'updated_at'])
        .where('day', '=', '2026-10-06')
        .execute(),
    ).toEqual(untouched);
  });

  it('R10: --from/--to recomputes a range, repairing a rollup that went wrong', async () => {
    await sql`update daily_usage set billable_parts = 999 where day = '2026-10-05'`.execute(t.db);
    await sql`insert into daily_usage (customer_id, product, operator, day, messages, billable_messages, billable_parts)
      select id, 'sms_otp', 'xl', '2026-10-05', 1, 1, 1 from customers where code = 'ROLA'`.execute(t.db);
    const summary = await runRollup(t.db, { from: '2026-10-05', to: '2026-10-05' });
    expect(summary.marked).toBe(2);
    const { rollups, direct } = await rollupsAndDirect();
    expect(rollups).toEqual(direct);
  });

  it('R10: the rollup of a batch is smaller than the dirty set: every day is still done', async () => {
    await runRollup(t.db, { from: '2026-10-01', to: '2026-10-31' });
    await sql`insert into daily_usage_dirty (customer_id, day) select customer_id, day from daily_usage
      on conflict do nothing`.execute(t.db);
    const summary = await refreshDailyUsage(t.db, 2);
    expect(summary.days).toBe(4);
    const { rollups, direct } = await rollupsAndDirect();
    expect(rollups).toEqual(direct);
  });
});
