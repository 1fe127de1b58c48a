import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import type { Operator } from '../../domain/numbers.ts';
import { firstDayOf, monthOf, wibDateOf } from '../../domain/period.ts';
import { priceListFor, type StoredPriceList } from '../../domain/price-list.ts';
import { type QuotaLevel, quotaFor, quotaLevel, quotaPercent, usageValue } from '../../domain/quota.ts';
import { queueMail } from '../../mail/outbox.ts';
import { activeSuspension, liftSuspension, suspend } from '../accounts/suspensions.ts';
import { loadPriceLists } from '../invoicing/reference-data.ts';
import { withJobLock } from '../job-lock.ts';
import { refreshDailyUsage } from './rollup.ts';

export interface QuotaCheckOptions {
  /** The check's moment: its WIB month is checked, with the rollups of its month's days up to its WIB day. */
  readonly asOf: Date;
  /** Only these customers (by id); every postpaid customer when absent. */
  readonly customerIds?: ReadonlyArray<number>;
}

/** One postpaid customer after the check (closed accounts are listed, not checked). */
export interface QuotaResult {
  readonly customer_code: string;
  readonly month: string;
  readonly usage: Rupiah;
  readonly quota: Rupiah;
  readonly percent: number | null;
  readonly level: QuotaLevel;
  /** What the gateway reads (sending_permission) after the check. */
  readonly allowed: boolean;
  readonly reason: string | null;
  readonly warned_now: boolean;
  readonly suspended_now: boolean;
  /** Why a quota suspension was lifted by this check, if one was. */
  readonly lifted_now: string | null;
  /** Why the usage could not be valued (no state was changed for this customer). */
  readonly problem: string | null;
}

export interface QuotaCheckSummary {
  readonly month: string;
  readonly asOf: string;
  readonly rollupDays: number;
  readonly customers: ReadonlyArray<QuotaResult>;
}

type PartsByProduct = Map<string, Map<Operator, number>>;

/**
 * R10, issue 17: the billable parts of the month to date as committed, read in one statement (one snapshot) so a
 * concurrent ingest can neither hide usage nor make the check wait: days whose rollup is current come from
 * daily_usage; days still marked dirty (an ingest may hold the mark locked for its whole run) are counted from their
 * committed messages. Plain reads take no row locks, and uncommitted rows are never seen.
 */
export async function monthToDateParts(
  db: Db,
  monthStart: string,
  lastDay: string,
  customerIds?: ReadonlyArray<number>,
): Promise<Map<number, PartsByProduct>> {
  const only = customerIds ? sql`and customer_id = any(${[...customerIds]}::bigint[])` : sql``;
  const rows = await sql<{ customer_id: number; product: string; operator: string; parts: number }>`
    with dirty as (
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
    )
    select customer_id, product, operator, sum(parts)::bigint as parts
    from (select * from rolled union all select * from live) usage
    group by customer_id, product, operator
  `.execute(db);
  const byCustomer = new Map<number, PartsByProduct>();
  for (const r of rows.rows) {
    if (r.parts === 0) continue;
    const products = byCustomer.get(r.customer_id) ?? new Map<string, Map<Operator, number>>();
    const operators = products.get(r.product) ?? new Map<Operator, number>();
    operators.set(r.operator as Operator, r.parts);
    products.set(r.product, operators);
    byCustomer.set(r.customer_id, products);
  }
  return byCustomer;
}

/** R10: the month-to-date usage value, or why it cannot be valued. */
function monthToDateValue(
  lists: ReadonlyArray<StoredPriceList>,
  customerId: number,
  monthStart: string,
  parts: PartsByProduct | undefined,
): { usage: Rupiah } | { problem: string } {
  let usage = 0;
  for (const [product, byOperator] of parts ?? []) {
    // R5: the list in force on the month's first day applies.
    const list = priceListFor(lists, product, customerId, monthStart);
    if (!list) return { problem: `usage of ${product} but no price list in force on ${monthStart}` };
    try {
      usage += usageValue(list, byOperator);
    } catch (error) {
      return { problem: `price list '${list.name}' cannot price ${product}: ${(error as Error).message}` };
    }
  }
  return { usage };
}

interface Applied {
  readonly quota: Rupiah;
  readonly level: QuotaLevel;
  readonly warned: boolean;
  readonly suspended: boolean;
  readonly lifted: string | null;
}

type QuotaSuspension = NonNullable<Awaited<ReturnType<typeof activeSuspension>>>;

/** R10: suspended "until the next month begins, the deposit grows, or the quota is raised": lifts it then. */
async function liftWhenNoLongerDue(
  trx: Db,
  customerId: number,
  active: QuotaSuspension,
  quotaOverride: Rupiah | null,
  level: ReturnType<typeof quotaLevel>,
  monthStart: string,
): Promise<string | null> {
  let lifted: string | null = null;
  if (active.month !== null && active.month < monthStart) lifted = 'new month';
  else if (level !== 'exceeded' && quotaOverride !== null) lifted = 'quota raised';
  else if (level !== 'exceeded') {
    // 2 × deposit covers the usage again: by a top-up, or because a smaller override was removed.
    const toppedUp = await trx
      .selectFrom('deposit_ledger')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('amount', '>', 0)
      .where('created_at', '>', active.since)
      .executeTakeFirst();
    lifted = toppedUp ? 'deposit grew' : 'quota raised';
  }
  if (lifted !== null) await liftSuspension(trx, active.id, lifted);
  return lifted;
}

/** R10: the 80 % warning, once a month; true when its mail was queued now. */
async function warnOnce(
  trx: Db,
  customerId: number,
  month: string,
  usage: Rupiah,
  quota: Rupiah,
): Promise<boolean> {
  const monthStart = firstDayOf(month);
  const first = await trx
    .insertInto('quota_warnings')
    .values({ customer_id: customerId, month: monthStart, level: 80 })
    .onConflict((oc) => oc.columns(['customer_id', 'month', 'level']).doNothing())
    .returning('level')
    .executeTakeFirst();
  if (!first) return false;
  return queueMail(trx, {
    kind: 'quota_warning',
    subjectKey: `quota:${customerId}:${month}:80`,
    customerId,
    payload: { month, usage, quota, percent: quotaPercent(usage, quota) },
  });
}

/** R10: at 100 % the account is suspended for sending until the month ends, with its notice. */
async function suspendForQuota(
  trx: Db,
  customerId: number,
  month: string,
  usage: Rupiah,
  quota: Rupiah,
): Promise<boolean> {
  const monthStart = firstDayOf(month);
  const suspensionId = await suspend(trx, customerId, 'quota', monthStart);
  if (suspensionId === undefined) return false;
  await trx
    .insertInto('quota_warnings')
    .values({ customer_id: customerId, month: monthStart, level: 100 })
    .onConflict((oc) => oc.columns(['customer_id', 'month', 'level']).doNothing())
    .execute();
  await queueMail(trx, {
    kind: 'quota_suspended',
    subjectKey: `quota-suspension:${suspensionId}`,
    customerId,
    payload: { month, usage, quota },
  });
  return true;
}

/**
 * R10 for one customer in one transaction, under the customer's row lock: records the usage, lifts a quota
 * suspension that no longer holds (a new month, a bigger deposit, a raised override), warns once a month
 * from 80 % and suspends from 100 %, queueing each notice with the change it announces.
 */
async function applyQuota(db: Db, customerId: number, month: string, usage: Rupiah): Promise<Applied> {
  const monthStart = firstDayOf(month);
  return db.transaction().execute(async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .select(['quota_override'])
      .where('id', '=', customerId)
      // NO KEY UPDATE, not UPDATE: an ingest batch's messages hold KEY SHARE on their customer until the batch
      // commits, and the check must not wait for it (issue 17); two checks still serialise on this lock.
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const { balance } = await trx
      .selectFrom('deposit_balances')
      .select('balance')
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    const quota = quotaFor(balance, customer.quota_override);
    const level = quotaLevel(usage, quota);
    const last = await trx
      .selectFrom('quota_status')
      .select('month')
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (last && last.month > monthStart) {
      // A check as of an earlier month than the last one (a re-run by hand) changes nothing.
      return { quota, level, warned: false, suspended: false, lifted: null };
    }
    await trx
      .insertInto('quota_status')
      .values({ customer_id: customerId, month: monthStart, usage, quota })
      .onConflict((oc) =>
        oc.column('customer_id').doUpdateSet({ month: monthStart, usage, quota, updated_at: sql`now()` }),
      )
      .execute();

    const active = await activeSuspension(trx, customerId, 'quota');
    const lifted = active
      ? await liftWhenNoLongerDue(trx, customerId, active, customer.quota_override, level, monthStart)
      : null;
    const warned = level !== 'ok' && (await warnOnce(trx, customerId, month, usage, quota));
    const suspended =
      level === 'exceeded' &&
      (active === undefined || lifted !== null) &&
      (await suspendForQuota(trx, customerId, month, usage, quota));
    return { quota, level, warned, suspended, lifted };
  });
}

/**
 * R10: refreshes the rollups, values each postpaid customer's month to date and applies the quota rules.
 * Day-grained: the rollup of the as-of WIB day counts whole.
 */
export async function checkQuotas(db: Db, opts: QuotaCheckOptions): Promise<QuotaCheckSummary> {
  const rollup = await refreshDailyUsage(db);
  const month = monthOf(opts.asOf);
  const monthStart = firstDayOf(month);
  const lastDay = wibDateOf(opts.asOf);
  const lists = await loadPriceLists(db);
  if (opts.customerIds?.length === 0)
    return { month, asOf: opts.asOf.toISOString(), rollupDays: rollup.days, customers: [] };
  let q = db
    .selectFrom('customers')
    .select(['id', 'code', 'status'])
    .where('billing', '=', 'postpaid')
    .orderBy('code');
  if (opts.customerIds) q = q.where('id', 'in', [...opts.customerIds]);
  const customers = await q.execute();
  const parts = await monthToDateParts(db, monthStart, lastDay, opts.customerIds);

  const applied = new Map<number, Applied & { usage: Rupiah }>();
  const problems = new Map<number, string>();
  for (const c of customers.filter((x) => x.status === 'active')) {
    const valued = monthToDateValue(lists, c.id, monthStart, parts.get(c.id));
    if ('problem' in valued) {
      problems.set(c.id, `${c.code}: ${valued.problem}; add a price list so the quota can be checked`);
      continue;
    }
    applied.set(c.id, { usage: valued.usage, ...(await applyQuota(db, c.id, month, valued.usage)) });
  }

  const permissions = new Map(
    (await db.selectFrom('sending_permission').selectAll().execute()).map((p) => [p.customer_code, p]),
  );
  return {
    month,
    asOf: opts.asOf.toISOString(),
    rollupDays: rollup.days,
    customers: customers.map((c) => {
      const a = applied.get(c.id);
      const p = permissions.get(c.code);
      const usage = a?.usage ?? p?.usage ?? 0;
      const quota = a?.quota ?? p?.quota ?? 0;
      return {
        customer_code: c.code,
        month,
        usage,
        quota,
        percent: quotaPercent(usage, quota),
        level: a?.level ?? quotaLevel(usage, quota),
        allowed: p?.allowed ?? false,
        reason: p?.reason ?? null,
        warned_now: a?.warned ?? false,
        suspended_now: a?.suspended ?? false,
        lifted_now: a?.lifted ?? null,
        problem: problems.get(c.id) ?? null,
      };
    }),
  };
}

/** The quota job (hourly): one copy at a time. */
export async function runQuotaCheck(
  database: { readonly db: Db; readonly pool: pg.Pool },
  opts: QuotaCheckOptions,
  onWait?: () => void,
): Promise<QuotaCheckSummary> {
  return withJobLock(database.pool, 'quota', onWait, () => checkQuotas(database.db, opts));
}
