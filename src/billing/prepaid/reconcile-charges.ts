// R15: what prepaid messages are charged, as one set-based step run in the ingest's own transaction.
import type pg from 'pg';
import { sqlArray } from '../../db/sql-array.ts';

/** What a reconcile did, summed over the accounts it touched. */
export interface ReconcileResult {
  readonly charged: number;
  readonly givenBack: number;
  readonly shortfall: number;
  readonly messages: number;
}

/** Anything that runs a query with parameters: a pg client or pool (the ingest's own client in its transaction). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

// The prepaid messages in scope: those of the given sending ids, or all of them when none are given, plus the rows
// the caller passes as it wrote them. messages is partitioned by month and has no index on sending_id: a sendingid
// is found through sending_ids (its primary key), then its row through (customer_id, sent_at), about 6 µs a
// message (100 ms of a 16 k-message unit), which the rows passed as written do not pay.
const SCOPE = `
  select m.sending_id, m.customer_id, m.sent_at, m.parts, m.billable, false as written
  from messages m
  join prepaid_accounts a on a.customer_id = m.customer_id
  join customers c on c.id = m.customer_id and c.billing = 'prepaid'
  where $1::bigint[] is null
  union all
  select m.sending_id, m.customer_id, m.sent_at, m.parts, m.billable, m.written
  from sending_ids k
  join prepaid_accounts a on a.customer_id = k.customer_id
  join customers c on c.id = k.customer_id and c.billing = 'prepaid'
  -- One index probe per sendingid ('limit 1' keeps the planner from turning it into a join that reads every
  -- message of the customers in scope: that grew with the table, unit after unit).
  cross join lateral (
    select m.sending_id, m.customer_id, m.sent_at, m.parts, m.billable, false as written from messages m
    where m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = k.sending_id limit 1
  ) m
  where $1::bigint[] is not null and k.sending_id = any($1::bigint[])
  union all
  -- Rows the caller wrote in this transaction and knows as written (the COPY path): no probe needed. Their
  -- sendingids are new (the COPY registered them in sending_ids, which keeps every id ever loaded), so no charge
  -- can exist for them yet either.
  -- Only the billable ones are passed: a new message that is not billable has nothing to charge or give back.
  select k.sending_id, k.customer_id, k.sent_at, k.parts, true, true
  from unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::integer[]) as k(sending_id, customer_id, sent_at, parts)
  join prepaid_accounts a on a.customer_id = k.customer_id
  join customers c on c.id = k.customer_id and c.billing = 'prepaid'
  where $1::bigint[] is not null`;

// Locks the accounts in scope (in id order, so two ingests never deadlock): every balance change takes this lock,
// and the next statement, with a fresh snapshot, sees what the other transaction committed meanwhile. The
// accounts are found from sending_ids alone (its primary key gives the customer), without the probe into messages
// that APPLY needs for parts and status: a few more accounts locked at most (a customer back on postpaid keeps
// its account row), never fewer. Measured on 14 000 ids of a unit: 22 ms against 124 ms through SCOPE.
const LOCK = `
  select a.customer_id from prepaid_accounts a
  where $1::bigint[] is null
     or a.customer_id in (select k.customer_id from sending_ids k where k.sending_id = any($1::bigint[]))
     or a.customer_id = any($2::bigint[])
  order by a.customer_id for update`;

// R15: due = parts × price at ingest while billable (R2), 0 after a Cancel/Reject. Give-backs first (they return
// what was charged), then new charges in (sent_at, sending_id) order until the balance is used up; a message that
// does not fit takes what is left and keeps the rest as its shortfall, so the balance stops at zero. Only the
// accounts whose messages of the unit do not all fit are sorted for that: where they all fit, the order changes
// nothing (about 10 ms less PostgreSQL CPU per 16 000-message unit, scratch/apply-bench.mts).
const APPLY = `
  with scope as (${SCOPE}),
  today as (select (now() at time zone 'Asia/Jakarta')::date as day),
  -- The charges are found by index probes, never by a join over all of prepaid_charges: a merge join read its
  -- whole primary key for every unit (148 ms at 393 k charges, growing with the table; explain analyze).
  gone as (
    update prepaid_charges c set given_back = c.charged, given_back_on = case when c.charged > 0 then (select day from today) end,
      due = 0, charged = 0
    where c.sending_id = any(array(select sending_id from scope where not billable and not written)) and c.due > 0
    returning c.customer_id, c.given_back
  ),
  -- materialized: one balance per account, not one look-up into the ledger per message of the unit. $6: the
  -- accounts LOCK took, a superset of those in scope (so scope is not grouped for them).
  balances as materialized (
    select a.customer_id,
      coalesce((select l.balance_after from prepaid_ledger l where l.customer_id = a.customer_id order by l.id desc limit 1), 0)
        + coalesce((select sum(g.given_back) from gone g where g.customer_id = a.customer_id), 0) as balance,
      a.price_per_part
    from prepaid_accounts a where a.customer_id = any($6::bigint[])
  ),
  -- materialized: read three times below, computed once
  fresh_all as materialized (
    select s.sending_id, s.customer_id, s.sent_at, b.price_per_part as unit_price, s.parts * b.price_per_part as due,
      b.balance
    from scope s join balances b using (customer_id)
    -- offset 0 keeps it a probe per message (not an anti join over every charge, 122 ms at 393 k charges)
    where s.billable
      and (s.written or not exists (select 1 from prepaid_charges c where c.sending_id = s.sending_id offset 0))
  ),
  -- The accounts whose messages of this unit do not all fit their balance: only these are charged in order.
  short as (select customer_id from fresh_all group by customer_id having sum(due) > min(balance)),
  fresh as (
    select sending_id, customer_id, sent_at, unit_price, due, due as charge
    from fresh_all where customer_id not in (select customer_id from short)
    union all
    select sending_id, customer_id, sent_at, unit_price, due,
      least(due, greatest(balance - sum(due) over w + due, 0))
    from fresh_all where customer_id in (select customer_id from short)
    window w as (partition by customer_id order by sent_at, sending_id rows unbounded preceding)
  ),
  inserted as (
    insert into prepaid_charges (sending_id, customer_id, unit_price, due, charged, charged_on)
    select sending_id, customer_id, unit_price, due, charge, (select day from today) from fresh
  ),
  -- what the insert wrote, summed from the same rows rather than from a RETURNING of every row
  per_account as (
    select customer_id, max(sent_at) as last, sum(charge)::bigint as charged, sum(due - charge)::bigint as shortfall,
      count(*)::bigint as n
    from fresh group by customer_id
  ),
  seen as (
    update prepaid_accounts a set last_billable_at = greatest(a.last_billable_at, f.last)
    from per_account f where a.customer_id = f.customer_id
  )
  select customer_id, sum(given_back)::bigint as given_back, 0::bigint as charged, 0::bigint as shortfall, count(*)::bigint as n
  from gone group by customer_id
  union all
  select customer_id, 0, charged, shortfall, n from per_account`;

const LEDGER = `
  insert into prepaid_ledger (customer_id, entry_date, kind, amount, ref)
  select customer_id, (now() at time zone 'Asia/Jakarta')::date, $2, amount, 'ingest'
  from unnest($1::bigint[], $3::bigint[]) as t(customer_id, amount)`;

/** Messages as the caller wrote them in its transaction (parse-chunk.ts's SentRows). */
export interface WrittenRows {
  readonly ids: ReadonlyArray<number>;
  readonly customers: ReadonlyArray<number>;
  readonly sentAt: ReadonlyArray<string>;
  readonly parts: ReadonlyArray<number>;
  readonly billable: ReadonlyArray<boolean>;
}

/**
 * R15: brings the charges of prepaid messages in line with what they should be charged now: a billable message
 * not charged yet is charged parts × the account's price, one that became Cancel/Reject gets its charge back.
 * Idempotent (a second run changes nothing) and set-based: one lock, one statement, two ledger inserts per run.
 * Runs in the caller's transaction. `sendingIds` limits it to the messages a unit of work touched (null = all);
 * `written` adds messages the unit wrote whose stored row is exactly what it passes (none of its reports changed
 * them): they are charged from those values, without looking them up. An id in both is looked up.
 */
export async function reconcilePrepaidCharges(
  client: Queryable,
  sendingIds: ReadonlyArray<number> | null = null,
  written: WrittenRows | null = null,
): Promise<ReconcileResult> {
  const none = { charged: 0, givenBack: 0, shortfall: 0, messages: 0 };
  const known = sendingIds === null || written === null ? null : apart(written, sendingIds);
  if (sendingIds !== null && sendingIds.length === 0 && (known === null || known.ids.length === 0))
    return none;
  const any = await client.query('select 1 from prepaid_accounts limit 1');
  if ((any.rowCount ?? 0) === 0) return none; // a postpaid-only gateway pays one probe per unit, nothing more
  const ids = sendingIds === null ? null : [...sendingIds];
  const locked = await client.query<{ customer_id: string }>(LOCK, [
    ids === null ? null : sqlArray(ids),
    sqlArray(known === null ? [] : [...new Set(known.customers)]),
  ]);
  const rows = (
    await client.query<{
      customer_id: string;
      given_back: string;
      charged: string;
      shortfall: string;
      n: string;
    }>(APPLY, [
      ids === null ? null : sqlArray(ids),
      sqlArray(known?.ids ?? []),
      sqlArray(known?.customers ?? []),
      sqlArray(known?.sentAt ?? []),
      sqlArray(known?.parts ?? []),
      sqlArray(locked.rows.map((r) => Number(r.customer_id))),
    ])
  ).rows;
  const back = rows.filter((r) => Number(r.given_back) > 0);
  const used = rows.filter((r) => Number(r.charged) > 0);
  // Give-backs before usage, one row per account in each: the ledger's balance never dips below zero on the way.
  if (back.length > 0)
    await client.query(LEDGER, [back.map((r) => r.customer_id), 'giveback', back.map((r) => r.given_back)]);
  if (used.length > 0)
    await client.query(LEDGER, [used.map((r) => r.customer_id), 'usage', used.map((r) => `-${r.charged}`)]);
  const sum = (k: 'given_back' | 'charged' | 'shortfall' | 'n') => rows.reduce((t, r) => t + Number(r[k]), 0);
  return {
    charged: sum('charged'),
    givenBack: sum('given_back'),
    shortfall: sum('shortfall'),
    messages: sum('n'),
  };
}

/**
 * The billable written rows whose id is not also to be looked up (each message is in scope once). The arrays are
 * passed as literals built by sqlArray: pg's own serialisation of a unit's arrays cost 14 ms more of Node's CPU per
 * 16 000-message unit (scratch/apply-bench.mts, 12 interleaved rounds).
 */
function apart(written: WrittenRows, lookedUp: ReadonlyArray<number>): Omit<WrittenRows, 'billable'> {
  const skip = new Set(lookedUp);
  const out = {
    ids: [] as number[],
    customers: [] as number[],
    sentAt: [] as string[],
    parts: [] as number[],
  };
  written.ids.forEach((id, i) => {
    if (skip.has(id) || !written.billable[i]) return;
    out.ids.push(id);
    out.customers.push(written.customers[i]!);
    out.sentAt.push(written.sentAt[i]!);
    out.parts.push(written.parts[i]!);
  });
  return out;
}
