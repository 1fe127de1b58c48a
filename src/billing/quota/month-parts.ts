// R10: the billable parts of a month to date, per customer, product and operator: the one home of the SQL that
// counts them, used alone (monthToDateParts) and inside the set-based quota check (quota-standings.ts).
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Operator } from '../../domain/numbers.ts';

export type PartsByProduct = Map<string, Map<Operator, number>>;

/**
 * R10, issue 13: a CTE `month_parts` (customer_id, product, operator, parts) of the month to date as committed,
 * for a `with` clause, so one statement (one snapshot) counts them: each day's rollup in daily_usage plus the
 * deltas the triggers on messages wrote since (usage_deltas, 2026-12-01-18). Its cost grows with the rows
 * changed since the rollup, not with the day's messages. Plain reads take no row locks, and uncommitted rows
 * are never seen.
 */
export function monthPartsCtes(
  monthStart: string,
  lastDay: string,
  customerIds?: ReadonlyArray<number>,
): RawBuilder<unknown> {
  const only = customerIds ? sql`and customer_id = any(${[...customerIds]}::bigint[])` : sql``;
  return sql`
    month_parts as (
      select customer_id, product, operator, sum(parts)::bigint as parts
      from (
        select customer_id, product, operator, billable_parts as parts from daily_usage
        where day between ${monthStart}::date and ${lastDay}::date ${only}
        union all
        select customer_id, product, operator, parts from usage_deltas
        where day between ${monthStart}::date and ${lastDay}::date ${only}
      ) usage
      group by customer_id, product, operator
    )`;
}

/**
 * R10: folds the deltas of each (customer, day) of the month that has more than `over` of them into one per
 * product and operator, so a re-check after each batch stays as cheap at the end of a busy day as at its start.
 * Race-safe: only the rows this statement deleted are summed back (a row the rollup took meanwhile is not), and
 * deltas committed after its snapshot are left alone. Returns the rows folded.
 */
export async function compactUsageDeltas(
  db: Db,
  monthStart: string,
  lastDay: string,
  customerIds: ReadonlyArray<number>,
  over = 8,
): Promise<number> {
  const result = await sql<{ folded: number }>`
    with many as (
      select customer_id, day from usage_deltas
      where customer_id = any(${[...customerIds]}::bigint[]) and day between ${monthStart}::date and ${lastDay}::date
      group by customer_id, day having count(*) > ${over}
    ), gone as (
      delete from usage_deltas d using many m where d.customer_id = m.customer_id and d.day = m.day
      returning d.customer_id, d.day, d.product, d.operator, d.parts
    ), folded as (
      insert into usage_deltas (customer_id, day, product, operator, parts)
      select customer_id, day, product, operator, sum(parts) from gone
      group by customer_id, day, product, operator having sum(parts) <> 0
    )
    select count(*)::int as folded from gone
  `.execute(db);
  return result.rows[0]?.folded ?? 0;
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
