import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';

export interface RollupSummary {
  /** (customer, day) pairs recomputed. */
  readonly days: number;
  /** daily_usage rows written (inserted or updated). */
  readonly rows: number;
}

const DEFAULT_BATCH = 5_000;

/**
 * Marks every (customer, WIB day) between from and to (inclusive) dirty — days with messages and days that
 * already have a rollup — so the next refresh recomputes them all.
 */
export async function markDaysDirty(db: Db, from: string, to: string): Promise<number> {
  const result = await sql`
    insert into daily_usage_dirty (customer_id, day)
    select distinct m.customer_id, (m.sent_at at time zone 'Asia/Jakarta')::date
    from messages m
    where m.sent_at >= (${from}::date::timestamp at time zone 'Asia/Jakarta')
      and m.sent_at < (${addDays(to, 1)}::date::timestamp at time zone 'Asia/Jakarta')
    union
    select u.customer_id, u.day from daily_usage u where u.day between ${from}::date and ${to}::date
    on conflict do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * R10: brings daily_usage up to date by recomputing each dirty (customer, WIB day) from its messages, a batch
 * at a time. A batch is one transaction of two statements: the claim (taking the dirty rows, waiting for an
 * ingest that holds them), then one set-based recompute whose fresh snapshot sees everything committed before
 * the claim. Rows of a recomputed day that no longer have messages are removed, and the day's usage_deltas that
 * the same snapshot counted are deleted (the quota reads daily_usage + usage_deltas, month-parts.ts).
 */
export async function refreshDailyUsage(db: Db, batchSize = DEFAULT_BATCH): Promise<RollupSummary> {
  let days = 0;
  let rows = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const claimed = await sql<{ customer_id: number; day: string }>`
        delete from daily_usage_dirty d
        using (
          select customer_id, day from daily_usage_dirty order by day, customer_id limit ${batchSize}
          for update skip locked
        ) b
        where d.customer_id = b.customer_id and d.day = b.day
        returning d.customer_id, d.day
      `.execute(trx);
      if (claimed.rows.length === 0) return null;
      const customers = claimed.rows.map((r) => r.customer_id);
      const dates = claimed.rows.map((r) => r.day);
      const written = await sql<{ rows: number }>`
        with batch as (
          select * from unnest(${customers}::bigint[], ${dates}::date[]) as b(customer_id, day)
        ), fresh as (
          select m.customer_id, m.product, m.operator, b.day,
            count(*)::bigint as messages,
            count(*) filter (where m.billable)::bigint as billable_messages,
            coalesce(sum(m.parts) filter (where m.billable), 0)::bigint as billable_parts
          from batch b
          join messages m on m.customer_id = b.customer_id
            and m.sent_at >= (b.day::timestamp at time zone 'Asia/Jakarta')
            and m.sent_at < ((b.day + 1)::timestamp at time zone 'Asia/Jakarta')
          group by m.customer_id, m.product, m.operator, b.day
        ), upserted as (
          insert into daily_usage (customer_id, product, operator, day, messages, billable_messages, billable_parts)
          select customer_id, product, operator, day, messages, billable_messages, billable_parts from fresh
          on conflict (customer_id, day, product, operator) do update set
            messages = excluded.messages, billable_messages = excluded.billable_messages,
            billable_parts = excluded.billable_parts, updated_at = now()
          returning 1
        ), removed as (
          delete from daily_usage u using batch b
          where u.customer_id = b.customer_id and u.day = b.day
            and not exists (select 1 from fresh f where f.customer_id = u.customer_id and f.day = u.day
              and f.product = u.product and f.operator = u.operator)
          returning 1
        ), consumed as (
          -- R10: the deltas this statement's snapshot sees are in fresh now; later ones stay (month-parts.ts)
          delete from usage_deltas x using batch b where x.customer_id = b.customer_id and x.day = b.day
          returning 1
        )
        select (select count(*) from upserted)::bigint as rows, (select count(*) from removed)::bigint as removed,
          (select count(*) from consumed)::bigint as consumed
      `.execute(trx);
      return { days: claimed.rows.length, rows: written.rows[0]?.rows ?? 0 };
    });
    if (batch === null) break;
    days += batch.days;
    rows += batch.rows;
    if (batch.days < batchSize) break;
  }
  return { days, rows };
}

/** The rollup job: optionally marks a date range for recomputation, then refreshes every dirty day. */
export async function runRollup(
  db: Db,
  range?: { readonly from: string; readonly to: string },
): Promise<RollupSummary & { readonly marked: number }> {
  const marked = range ? await markDaysDirty(db, range.from, range.to) : 0;
  return { marked, ...(await refreshDailyUsage(db)) };
}
