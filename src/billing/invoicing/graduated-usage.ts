import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { billedIn } from '../billed-sql.ts';

export interface BandRow {
  readonly operator: string;
  readonly band_min_parts: number;
  readonly messages: number;
  readonly parts: number;
  readonly billed_messages: number;
  readonly billed_parts: number;
}

/**
 * R18: a graduated customer's usage of one product, per (operator, band). Parts are numbered over the period in
 * (sent_at, sending_id) order, all operators together (a window, in SQL); part k belongs to the band holding k,
 * so a message straddling a boundary has its parts split across the two bands, and is counted as a message in the
 * band of its first part. Beside it, the same under the detail CSV's predicate (as of the snapshot), for the check.
 */
export async function graduatedUsage(
  trx: Transaction<DB>,
  w: { readonly start: Date; readonly endExclusive: Date },
  snapshot: string,
  customerId: number,
  product: string,
  starts: ReadonlyArray<number>,
): Promise<ReadonlyArray<BandRow>> {
  const inBand = (upto: string) =>
    sql.raw(
      `greatest(0, least(m.${upto}, coalesce(b.hi - 1, m.${upto})) - greatest(m.${upto} - m.parts + 1, b.lo) + 1)`,
    );
  const firstIn = (upto: string) =>
    sql.raw(`(m.${upto} - m.parts + 1 >= b.lo and (b.hi is null or m.${upto} - m.parts + 1 < b.hi))`);
  const rows = await sql<BandRow>`
    with m as (
      select m.operator, m.parts, m.billable, ${billedIn(snapshot)} as billed,
        sum(case when m.billable then m.parts else 0 end) over w as upto,
        sum(case when ${billedIn(snapshot)} then m.parts else 0 end) over w as upto_billed
      from messages m
      where m.customer_id = ${customerId} and m.product = ${product}
        and m.sent_at >= ${w.start} and m.sent_at < ${w.endExclusive}
      window w as (order by m.sent_at, m.sending_id rows unbounded preceding)
    ), b as (
      select lo, lead(lo) over (order by lo) as hi from unnest(${[...starts]}::bigint[]) as lo
    )
    select m.operator, b.lo as band_min_parts,
      count(*) filter (where m.billable and ${firstIn('upto')})::bigint as messages,
      coalesce(sum(${inBand('upto')}) filter (where m.billable), 0)::bigint as parts,
      count(*) filter (where m.billed and ${firstIn('upto_billed')})::bigint as billed_messages,
      coalesce(sum(${inBand('upto_billed')}) filter (where m.billed), 0)::bigint as billed_parts
    from m cross join b
    where m.parts > 0
    group by m.operator, b.lo
    having coalesce(sum(${inBand('upto')}) filter (where m.billable), 0) > 0
      or coalesce(sum(${inBand('upto_billed')}) filter (where m.billed), 0) > 0
    order by b.lo, m.operator
  `.execute(trx);
  return rows.rows.map((r) => ({
    ...r,
    band_min_parts: Number(r.band_min_parts),
    messages: Number(r.messages),
    parts: Number(r.parts),
    billed_messages: Number(r.billed_messages),
    billed_parts: Number(r.billed_parts),
  }));
}
