import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { firstDayOf, lastDayOf, monthOf, wibDateOf } from '../../domain/period.ts';
import { priceListFor, type StoredPriceList } from '../../domain/price-list.ts';
import {
  type QuotaLevel,
  quotaActionDue,
  quotaFor,
  quotaLevel,
  quotaPercent,
  quotaSuspensionEnds,
  usageValue,
} from '../../domain/quota.ts';
import { queueMail } from '../../mail/outbox.ts';
import { activeSuspension, liftSuspension, suspend } from '../accounts/suspensions.ts';
import { loadPriceLists } from '../invoicing/reference-data.ts';
import { withJobLock } from '../job-lock.ts';
import { compactUsageDeltas, type PartsByProduct } from './month-parts.ts';
import { loadQuotaStandings, recordUsages } from './quota-standings.ts';
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

// The month's parts have their own home; re-exported for the callers that read them through the check.
export { monthToDateParts } from './month-parts.ts';

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
  if (!quotaSuspensionEnds(active.month, level, monthStart)) return null;
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

type Checked = Applied & { readonly usage: Rupiah; readonly code: string };

/**
 * R10, set-based (issue 13): reads every listed active postpaid customer's standing in one statement, values its
 * usage with the domain, runs the per-customer step (applyQuota: its own transaction under the row lock) only for
 * those the check must act on (quotaActionDue: 80 % or 100 % reached, or a suspension to lift), and records the
 * usage of all the others in one more statement.
 */
async function applyQuotas(
  db: Db,
  month: string,
  lastDay: string,
  customerIds?: ReadonlyArray<number>,
): Promise<{ readonly applied: Map<number, Checked>; readonly problems: Map<number, string> }> {
  const monthStart = firstDayOf(month);
  const lists = await loadPriceLists(db);
  const applied = new Map<number, Checked>();
  const problems = new Map<number, string>();
  const plain: Array<{ customerId: number; usage: Rupiah; quota: Rupiah }> = [];
  for (const s of await loadQuotaStandings(db, monthStart, lastDay, customerIds)) {
    const valued = monthToDateValue(lists, s.customerId, monthStart, s.parts);
    if ('problem' in valued) {
      problems.set(
        s.customerId,
        `${s.code}: ${valued.problem}; add a price list so the quota can be checked`,
      );
      continue;
    }
    const { usage } = valued;
    const quota = quotaFor(s.deposit, s.quotaOverride);
    const level = quotaLevel(usage, quota);
    if (quotaActionDue({ level, warned: s.warned, suspension: s.suspension, monthStart })) {
      applied.set(s.customerId, {
        code: s.code,
        usage,
        ...(await applyQuota(db, s.customerId, month, usage)),
      });
    } else {
      plain.push({ customerId: s.customerId, usage, quota });
      applied.set(s.customerId, {
        code: s.code,
        usage,
        quota,
        level,
        warned: false,
        suspended: false,
        lifted: null,
      });
    }
  }
  await recordUsages(db, monthStart, plain);
  return { applied, problems };
}

/** What the gateway reads after the check: for these customers, or all (null). */
async function permissionsOf(db: Db, codes: ReadonlyArray<string> | null) {
  if (codes?.length === 0) return [];
  let view = db.selectFrom('sending_permission').selectAll();
  if (codes) view = view.where('customer_code', 'in', [...codes]);
  return view.execute();
}

/**
 * R10: refreshes the rollups, values each postpaid customer's month to date and applies the quota rules.
 * Day-grained: the rollup of the as-of WIB day counts whole.
 */
export async function checkQuotas(db: Db, opts: QuotaCheckOptions): Promise<QuotaCheckSummary> {
  const rollup = await refreshDailyUsage(db);
  const month = monthOf(opts.asOf);
  if (opts.customerIds?.length === 0)
    return { month, asOf: opts.asOf.toISOString(), rollupDays: rollup.days, customers: [] };
  let q = db
    .selectFrom('customers')
    .select(['id', 'code', 'status'])
    .where('billing', '=', 'postpaid')
    .orderBy('code');
  if (opts.customerIds) q = q.where('id', 'in', [...opts.customerIds]);
  const customers = await q.execute();
  const { applied, problems } = await applyQuotas(db, month, wibDateOf(opts.asOf), opts.customerIds);

  const permissions = new Map(
    (await permissionsOf(db, opts.customerIds ? customers.map((c) => c.code) : null)).map((p) => [
      p.customer_code,
      p,
    ]),
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

/** What a re-check after an ingest batch did: the customers it acted on, and those it could not value. */
export interface QuotaRecheck {
  readonly checked: number;
  readonly acted: ReadonlyArray<{
    readonly customer_code: string;
    readonly warned_now: boolean;
    readonly suspended_now: boolean;
    readonly lifted_now: string | null;
  }>;
  readonly problems: ReadonlyArray<string>;
}

/**
 * Issue 13 / R10: the quota of the customers an ingest batch touched, checked at once under the quota job's lock
 * (checks never interleave, so an older snapshot never lifts a newer suspension). The rollups are not refreshed:
 * the month's parts count the days still marked dirty from their messages (month-parts.ts), and the hourly job
 * refreshes them. Prepaid and closed customers in the list are skipped (R15: the balance is charged at ingest).
 */
export async function runQuotaRecheck(
  database: { readonly db: Db; readonly pool: pg.Pool },
  asOf: Date,
  customerIds: ReadonlyArray<number>,
): Promise<QuotaRecheck> {
  if (customerIds.length === 0) return { checked: 0, acted: [], problems: [] };
  return withJobLock(database.pool, 'quota', undefined, async () => {
    const month = monthOf(asOf);
    const { applied, problems } = await applyQuotas(database.db, month, wibDateOf(asOf), customerIds);
    await compactUsageDeltas(database.db, firstDayOf(month), lastDayOf(month), customerIds);
    const acted = [...applied.values()]
      .filter((a) => a.warned || a.suspended || a.lifted !== null)
      .map((a) => ({
        customer_code: a.code,
        warned_now: a.warned,
        suspended_now: a.suspended,
        lifted_now: a.lifted,
      }));
    return { checked: applied.size + problems.size, acted, problems: [...problems.values()] };
  });
}

/** The quota job (hourly): one copy at a time. */
export async function runQuotaCheck(
  database: { readonly db: Db; readonly pool: pg.Pool },
  opts: QuotaCheckOptions,
  onWait?: () => void,
): Promise<QuotaCheckSummary> {
  return withJobLock(database.pool, 'quota', onWait, () => checkQuotas(database.db, opts));
}
