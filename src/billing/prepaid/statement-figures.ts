// R15: the figures of a prepaid account's monthly statement, from its ledger and its charges.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { firstDayOf, lastDayOf } from '../../domain/period.ts';

export interface StatementFigures {
  readonly month: string;
  readonly opening: number;
  readonly topups: number;
  readonly usage: number;
  readonly givebacks: number;
  readonly forfeits: number;
  readonly closing: number;
  readonly expiresOn: string | null;
  /** Usage per product and operator: what the month's charges took (shortfalls shown, not charged). */
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly messages: number;
    readonly parts: number;
    readonly charged: number;
    readonly shortfall: number;
  }>;
}

/**
 * The message of each charge of alias `c`, as `m`. messages is partitioned and has no index on sending_id: a join on
 * it alone read every message of the table for each statement (264 ms at 1 M messages, growing with the table;
 * explain analyze). sending_ids gives the row's sent_at, and (customer_id, sent_at) finds it, one probe a charge.
 */
function messageOf(c: string): string {
  // 'limit 1' keeps each look-up a probe: as plain joins the planner hashed all of sending_ids instead
  return `cross join lateral (
      select m.product, m.operator, m.parts, m.number, m.sent_at from sending_ids k
      join messages m on m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = k.sending_id
      where k.sending_id = ${c}.sending_id limit 1
    ) m`;
}

/** R15: opening − usage + give-backs + top-ups − forfeits = closing, all from ledger entries dated in the month. */
export async function statementFigures(db: Db, customerId: number, month: string): Promise<StatementFigures> {
  const from = firstDayOf(month);
  const to = lastDayOf(month);
  const totals = await sql<
    Record<'opening' | 'topups' | 'usage' | 'givebacks' | 'forfeits' | 'closing', number>
  >`
    select
      coalesce((select balance_after from prepaid_ledger where customer_id = ${customerId} and entry_date < ${from}::date order by id desc limit 1), 0)::bigint as opening,
      coalesce(sum(amount) filter (where kind = 'topup'), 0)::bigint as topups,
      coalesce(-sum(amount) filter (where kind = 'usage'), 0)::bigint as usage,
      coalesce(sum(amount) filter (where kind = 'giveback'), 0)::bigint as givebacks,
      coalesce(-sum(amount) filter (where kind = 'forfeit'), 0)::bigint as forfeits,
      coalesce((select balance_after from prepaid_ledger where customer_id = ${customerId} and entry_date <= ${to}::date order by id desc limit 1), 0)::bigint as closing
    from prepaid_ledger where customer_id = ${customerId} and entry_date between ${from}::date and ${to}::date`.execute(
    db,
  );
  const lines = await sql<StatementFigures['lines'][number]>`
    select m.product, m.operator, count(*)::bigint as messages, sum(m.parts)::bigint as parts,
      sum(c.charged + c.given_back)::bigint as charged, sum(c.shortfall)::bigint as shortfall
    from prepaid_charges c ${sql.raw(messageOf('c'))}
    where c.customer_id = ${customerId} and c.charged_on between ${from}::date and ${to}::date
    group by m.product, m.operator order by m.product, m.operator`.execute(db);
  // R15: masa aktif as it stood at the month's end (each top-up records the expiry it set), not as a later
  // top-up extended it: a statement issued late still shows the month's own expiry.
  const expiry = await db
    .selectFrom('prepaid_topups')
    .select((eb) => eb.fn.max('expires_on').as('expires_on'))
    .where('customer_id', '=', customerId)
    .where('topup_date', '<=', to)
    .executeTakeFirst();
  return { month, ...totals.rows[0]!, expiresOn: expiry?.expires_on ?? null, lines: lines.rows };
}

/**
 * R15: the detail CSV of the month, one row per ledger movement and per message charged or given back, so that
 * opening + Σ amount = closing. Amounts signed: usage and forfeits negative. A COPY, never the month in memory.
 */
export function statementDetailSql(customerId: number, month: string): string {
  const from = `'${firstDayOf(month)}'::date`;
  const to = `'${lastDayOf(month)}'::date`;
  const id = Number(customerId);
  return `copy (
    select kind, entry_date, sending_id, sent_at, number, operator, product, parts, unit_price, amount, shortfall, reference from (
      select 0 as ord, 'opening' as kind, ${from} as entry_date, null::bigint as sending_id, null::text as sent_at, null::text as number,
        null::text as operator, null::text as product, null::integer as parts, null::bigint as unit_price,
        coalesce((select balance_after from prepaid_ledger where customer_id = ${id} and entry_date < ${from} order by id desc limit 1), 0) as amount,
        null::bigint as shortfall, null::text as reference, 0::bigint as seq
      union all
      select 1, l.kind, l.entry_date, null, null, null, null, null, null, null, l.amount, null, coalesce(t.number, l.ref), l.id
      from prepaid_ledger l left join prepaid_topups t on t.id = l.topup_id
      where l.customer_id = ${id} and l.kind in ('topup', 'forfeit') and l.entry_date between ${from} and ${to}
      union all
      select 2, 'usage', c.charged_on, c.sending_id, to_char(m.sent_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
        m.number, m.operator, m.product, m.parts, c.unit_price, -(c.charged + c.given_back), c.shortfall, null, c.sending_id
      from prepaid_charges c ${messageOf('c')}
      where c.customer_id = ${id} and c.charged_on between ${from} and ${to}
      union all
      select 3, 'giveback', c.given_back_on, c.sending_id, to_char(m.sent_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
        m.number, m.operator, m.product, m.parts, c.unit_price, c.given_back, null, null, c.sending_id
      from prepaid_charges c ${messageOf('c')}
      where c.customer_id = ${id} and c.given_back > 0 and c.given_back_on between ${from} and ${to}
      union all
      select 4, 'closing', ${to}, null, null, null, null, null, null, null,
        coalesce((select balance_after from prepaid_ledger where customer_id = ${id} and entry_date <= ${to} order by id desc limit 1), 0),
        null, null, 0
    ) rows order by ord, entry_date, seq
  ) to stdout with (format csv, header true)`;
}
