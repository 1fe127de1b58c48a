import { Migrator, sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import { monthToDateParts } from '../../../src/billing/quota/month-parts.ts';
import { runQuotaRecheck } from '../../../src/billing/quota/quota.ts';
import { refreshDailyUsage } from '../../../src/billing/quota/rollup.ts';
import type { Db } from '../../../src/db/connect.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, ingestLines, reportLine, sendLine } from '../../support/fixtures.ts';

// R10 / issue 13: billable parts of a day = daily_usage + usage_deltas, at every moment, whatever changed the
// messages (a COPY, the staged path, reports before and after their record, a Reject, a delete).
const SUMS = `
  select customer_id, day::text, product, operator, sum(parts)::bigint as parts from (
    select customer_id, day, product, operator, billable_parts as parts from daily_usage
    union all select customer_id, day, product, operator, parts from usage_deltas
  ) u group by 1, 2, 3, 4 having sum(parts) <> 0 order by 1, 2, 3, 4`;
const DIRECT = `
  select customer_id, (sent_at at time zone 'Asia/Jakarta')::date::text as day, product, operator,
    sum(parts)::bigint as parts
  from messages where billable group by 1, 2, 3, 4 order by 1, 2, 3, 4`;

async function agree(pool: pg.Pool): Promise<void> {
  const [sums, direct] = await Promise.all([pool.query(SUMS), pool.query(DIRECT)]);
  expect(sums.rows).toEqual(direct.rows);
}

async function deltaRows(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from usage_deltas`.execute(db);
  return r.rows[0]!.n;
}

describe('R10: usage deltas keep the quota exact without re-reading the day', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await addCustomers(t.db, ['DLTA', 'DLTB']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R10: sends, an early report, a Reject, the staged path and a rollup all keep daily_usage + deltas exact', async () => {
    await ingestLines(t.pool, [
      reportLine(11, 6), // Reject before its record: the record comes in billed 0
      sendLine({
        customer: 'DLTA',
        sendingid: 10,
        sent_at: '2026-10-05T09:00:00+07:00',
        message: 'a'.repeat(2500),
      }),
      sendLine({ customer: 'DLTA', sendingid: 11, sent_at: '2026-10-05T09:00:01+07:00' }),
      sendLine({
        customer: 'DLTB',
        sendingid: 12,
        sent_at: '2026-10-04T16:59:59Z',
        number: '0857-1111-2222',
      }),
      sendLine({ customer: 'DLTB', sendingid: 13, sent_at: '2026-10-04T17:00:00Z' }), // the next WIB day
    ]);
    await agree(t.pool);
    // The quota's own reading (monthToDateParts) gives the same figures.
    const month = await monthToDateParts(t.db, '2026-10-01', '2026-10-31');
    const read = [...month].flatMap(([id, products]) =>
      [...products].flatMap(([product, ops]) => [...ops].map(([op, n]) => `${id} ${product} ${op} ${n}`)),
    );
    const direct = await t.pool.query(
      `select customer_id, product, operator, sum(parts)::int as parts from messages where billable
       group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(read.sort()).toEqual(
      direct.rows.map((r) => `${r.customer_id} ${r.product} ${r.operator} ${r.parts}`).sort(),
    );
    expect(read.length).toBe(3);

    // A Delivered report changes no billable part: no delta is written for it.
    const before = await deltaRows(t.db);
    await ingestLines(t.pool, [reportLine(10, 3)]);
    expect(await deltaRows(t.db)).toBe(before);

    // A late Reject gives the 3 parts back; the same sends again (the staged path) are duplicates, no delta.
    await ingestLines(t.pool, [
      reportLine(10, 6),
      sendLine({ customer: 'DLTA', sendingid: 11, sent_at: '2026-10-05T09:00:01+07:00' }),
      sendLine({ customer: 'DLTA', sendingid: 14, sent_at: '2026-10-05T10:00:00+07:00' }),
    ]);
    await agree(t.pool);

    // The rollup takes the deltas of the days it recomputes, and the sum stays exact.
    await refreshDailyUsage(t.db);
    expect(await deltaRows(t.db)).toBe(0);
    await agree(t.pool);

    // After the rollup, a change is a delta again; a delete is one too.
    await ingestLines(t.pool, [
      sendLine({ customer: 'DLTB', sendingid: 15, sent_at: '2026-10-05T11:00:00+07:00' }),
    ]);
    await t.pool.query('delete from messages where sending_id = 13');
    await agree(t.pool);
    expect(await deltaRows(t.db)).toBeGreaterThan(0);
  });

  it("R10: the re-check folds a busy day's many deltas into one per product and operator, exactly", async () => {
    for (let i = 0; i < 12; i++)
      await ingestLines(t.pool, [
        sendLine({
          customer: 'DLTA',
          sendingid: 100 + i,
          sent_at: `2026-10-07T09:00:${String(i).padStart(2, '0')}+07:00`,
        }),
      ]);
    const { id } = await t.db
      .selectFrom('customers')
      .select('id')
      .where('code', '=', 'DLTA')
      .executeTakeFirstOrThrow();
    const rowsOf = async () =>
      (
        await t.pool.query(
          "select count(*)::int as n from usage_deltas where customer_id = $1 and day = '2026-10-07'",
          [id],
        )
      ).rows[0].n;
    expect(await rowsOf()).toBe(12);
    await runQuotaRecheck(t, new Date('2026-10-07T12:00:00+07:00'), [Number(id)]);
    expect(await rowsOf()).toBe(1);
    await agree(t.pool);
    // Under the threshold nothing is rewritten.
    await ingestLines(t.pool, [
      sendLine({ customer: 'DLTA', sendingid: 200, sent_at: '2026-10-07T10:00:00+07:00' }),
    ]);
    await runQuotaRecheck(t, new Date('2026-10-07T12:00:00+07:00'), [Number(id)]);
    expect(await rowsOf()).toBe(2);
    await agree(t.pool);
  });
});

describe('R10: usage deltas stay exact while ingests, rollups and folds run at once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await addCustomers(t.db, ['RACA', 'RACB']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R10: four ingests with reports, against rollups and re-checks that fold, leave daily_usage + deltas exact', async () => {
    const ids = await t.db
      .selectFrom('customers')
      .select('id')
      .where('code', 'in', ['RACA', 'RACB'])
      .execute();
    const customerIds = ids.map((r) => Number(r.id));
    const asOf = new Date('2026-10-08T12:00:00+07:00');
    let ingesting = true;
    const ingest = async (k: number) => {
      for (let round = 0; round < 6; round++) {
        const base = 10_000 + k * 1_000 + round * 100;
        await ingestLines(
          t.pool,
          [
            ...Array.from({ length: 20 }, (_, i) =>
              sendLine({
                customer: i % 2 === 0 ? 'RACA' : 'RACB',
                sendingid: base + i,
                sent_at: `2026-10-0${7 + (i % 2)}T09:${String(round).padStart(2, '0')}:${String(i).padStart(2, '0')}+07:00`,
                message: i % 5 === 0 ? 'c'.repeat(1200) : 'Kode 123456',
              }),
            ),
            reportLine(base + 3, 6), // a Reject in the same log
            ...(round > 0 ? [reportLine(base - 100 + 4, 5)] : []), // a Cancel of the previous round's message
          ],
          `race-${k}-${round}.jsonl`,
        );
      }
    };
    const churn = async () => {
      while (ingesting) {
        await refreshDailyUsage(t.db);
        await runQuotaRecheck(t, asOf, customerIds);
      }
    };
    const churning = [churn(), churn()];
    await Promise.all([0, 1, 2, 3].map(ingest));
    ingesting = false;
    await Promise.all(churning);
    await agree(t.pool);
    // and once everything is folded and rolled up
    await runQuotaRecheck(t, asOf, customerIds);
    await refreshDailyUsage(t.db);
    await agree(t.pool);
  });
});

describe('R10: the usage-deltas migration makes the days still dirty add up', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createEmptyDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  it('R10: a rolled-up day, a stale dirty day and a never rolled-up dirty day', async () => {
    const migrator = new Migrator({ db: t.db, provider: { getMigrations: async () => ({ ...migrations }) } });
    expect((await migrator.migrateTo('2026-12-01-17c-review-users')).error).toBeUndefined();
    await addCustomers(t.db, ['MIGA']);
    await ingestLines(t.pool, [
      sendLine({ customer: 'MIGA', sendingid: 1, sent_at: '2026-10-03T09:00:00+07:00' }),
      sendLine({ customer: 'MIGA', sendingid: 2, sent_at: '2026-10-04T09:00:00+07:00' }),
    ]);
    // The rollup as it was before this migration: daily_usage from the messages, the marks taken.
    await t.pool.query(`
      insert into daily_usage (customer_id, product, operator, day, messages, billable_messages, billable_parts)
      select customer_id, product, operator, (sent_at at time zone 'Asia/Jakarta')::date, count(*),
        count(*) filter (where billable), coalesce(sum(parts) filter (where billable), 0)
      from messages group by 1, 2, 3, 4;
      delete from daily_usage_dirty`);
    // 4 Oct goes stale (a later message and a Reject of an earlier one), 6 Oct was never rolled up.
    await ingestLines(t.pool, [
      sendLine({
        customer: 'MIGA',
        sendingid: 3,
        sent_at: '2026-10-04T10:00:00+07:00',
        message: 'b'.repeat(1500),
      }),
      reportLine(2, 6),
      sendLine({ customer: 'MIGA', sendingid: 4, sent_at: '2026-10-06T10:00:00+07:00' }),
    ]);
    const dirty = await t.pool.query('select day::text from daily_usage_dirty order by day');
    expect(dirty.rows.map((r) => r.day)).toEqual(['2026-10-04', '2026-10-06']);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await agree(t.pool);
    // 4 Oct: rolled 1 part, now 2 (message 3; message 2 rejected); 6 Oct: 1 part, none rolled up.
    const deltas = await t.pool.query('select day::text, parts::int from usage_deltas order by day');
    expect(deltas.rows).toEqual([
      { day: '2026-10-04', parts: 1 },
      { day: '2026-10-06', parts: 1 },
    ]);
  });
});
