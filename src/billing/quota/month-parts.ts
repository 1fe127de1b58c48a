// R10: the billable parts of a month to date, per customer, product and operator: the one home of the SQL that
// counts them, used alone (monthToDateParts) and inside the set-based quota check (quota-standings.ts).
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Operator } from '../../domain/numbers.ts';

export type PartsByProduct = Map<string, Map<Operator, number>>;

/**
 * R10, issue 17: CTEs `dirty`, `rolled`, `live` and `month_parts` (customer_id, product, operator, parts) of the
 * month to date as committed, for a `with` clause, so one statement (one snapshot) counts them: days whose rollup
 * is current come from daily_usage; days still marked dirty (an ingest may hold the mark locked for its whole run)
 * are counted from their committed messages. Plain reads take no row locks, and uncommitted rows are never seen.
 */
export function monthPartsCtes(
  monthStart: string,
  lastDay: string,
  customerIds?: ReadonlyArray<number>,
): RawBuilder<unknown> {
  const only = customerIds ? sql`and customer_id = any(${[...customerIds]}::bigint[])` : sql``;
  return sql`
    dirty as (
      select customer_id, day from daily_usage_dirty where day between ${monthStart}::date and ${lastDay}::date ${only}
    ), rolled as (
      select u.customer_id, u.product, u.operator, u.billable_parts as parts from daily_usage u
      where u.day between ${monthStart}::date and ${lastDay}::date ${only}
        and not exists (select 1 from dirty d where d.customer_id = u.customer_id and d.day = u.day)
    ), live as (
      select m.customer_id, m.product, m.operator, m.parts from dirty d
      join messages m on m.customer_id = d.customer_id and m.billable
        and m.sent_at >= (d.day::timestamp at time zone 'Asia/Jakarta')
        and m.sent_at < ((d.day + 1)::timestamp at time zone 'Asia/Jakarta')
    ), month_parts as (
      select customer_id, product, operator, sum(parts)::bigint as parts
      from (select * from rolled union all select * from live) usage
      group by customer_id, product, operator
    )`;
}

/** Adds one (product, operator, parts) count to a customer's parts; a zero count is no usage. */
export function addParts(into: PartsByProduct, product: string, operator: string, parts: number): void {
  if (parts === 0) return;
  const operators = into.get(product) ?? new Map<Operator, number>();
  operators.set(operator as Operator, parts);
  into.set(product, operators);
}

/** R10: the billable parts of the month to date as committed, read in one statement (see monthPartsCtes). */
export async function monthToDateParts(
  db: Db,
  monthStart: string,
  lastDay: string,
  customerIds?: ReadonlyArray<number>,
): Promise<Map<number, PartsByProduct>> {
  const rows = await sql<{ customer_id: number; product: string; operator: string; parts: number }>`
    with ${monthPartsCtes(monthStart, lastDay, customerIds)}
    select customer_id, product, operator, parts from month_parts
  `.execute(db);
  const byCustomer = new Map<number, PartsByProduct>();
  for (const r of rows.rows) {
    const products = byCustomer.get(r.customer_id) ?? new Map<string, Map<Operator, number>>();
    addParts(products, r.product, r.operator, r.parts);
    if (products.size > 0) byCustomer.set(r.customer_id, products);
  }
  return byCustomer;
}
