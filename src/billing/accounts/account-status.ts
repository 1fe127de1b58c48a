import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { OPEN_STATUSES } from '../../domain/invoice-balance.ts';
import type { Rupiah } from '../../domain/money.ts';
import { quotaPercent } from '../../domain/quota.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';

export interface AccountStatus {
  readonly customer_code: string;
  /** What the gateway reads from sending_permission. */
  readonly allowed: boolean;
  readonly reason: string | null;
  readonly usage: Rupiah;
  readonly quota: Rupiah;
  readonly percent: number | null;
  /** Month of the last quota check ('YYYY-MM'), null before the first. */
  readonly month: string | null;
  readonly updated_at: string | null;
  readonly status: 'active' | 'closed';
  readonly closed_on: string | null;
  readonly deposit_balance: Rupiah;
  /** Σ still open on the customer's invoices. */
  readonly open_amount: Rupiah;
}

/** R10/R11/R13: may each postpaid customer send, and why not — sending_permission for people. */
export async function accountStatuses(db: Db, customerCode?: string): Promise<ReadonlyArray<AccountStatus>> {
  if (customerCode !== undefined) await customerByCode(db, customerCode);
  let q = db
    .selectFrom('sending_permission as p')
    .innerJoin('customers as c', 'c.code', 'p.customer_code')
    .innerJoin('deposit_balances as b', 'b.customer_id', 'c.id')
    .leftJoin('quota_status as q', 'q.customer_id', 'c.id')
    .select([
      'p.customer_code',
      'p.allowed',
      'p.reason',
      'p.usage',
      'p.quota',
      'p.updated_at',
      'c.status',
      'c.closed_on',
      'b.balance',
      'q.month',
      sql<number>`(select coalesce(sum(i.total - i.paid_amount - i.credit_reduced - i.credit_used), 0) from invoices i
        where i.customer_id = c.id and i.status in (${sql.join(OPEN_STATUSES.map((status) => sql.lit(status)))}))::bigint`.as(
        'open_amount',
      ),
    ])
    .orderBy('p.customer_code');
  if (customerCode !== undefined) q = q.where('p.customer_code', '=', customerCode);
  return (await q.execute()).map((r) => ({
    customer_code: r.customer_code,
    allowed: r.allowed,
    reason: r.reason,
    usage: r.usage,
    quota: r.quota,
    percent: quotaPercent(r.usage, r.quota),
    month: r.month === null ? null : r.month.slice(0, 7),
    updated_at: r.updated_at === null ? null : new Date(r.updated_at).toISOString(),
    status: r.status,
    closed_on: r.closed_on,
    deposit_balance: r.balance,
    open_amount: r.open_amount,
  }));
}

/**
 * R10: sets or clears (null) a customer's quota override — "contact us for a larger quota". The caller
 * re-checks the quota, which lifts a quota suspension the new quota covers.
 */
export async function setQuotaOverride(db: Db, customerCode: string, quota: Rupiah | null): Promise<number> {
  const customer = await customerByCode(db, customerCode);
  if (customer.status === 'closed') {
    throw new BillingRefused(
      `${customer.code} was closed on ${customer.closedOn}; its quota cannot be changed.`,
    );
  }
  if (quota !== null && (!Number.isSafeInteger(quota) || quota < 0)) {
    throw new BillingRefused(`A quota must be a whole rupiah amount >= 0, got ${quota}.`);
  }
  await db.updateTable('customers').set({ quota_override: quota }).where('id', '=', customer.id).execute();
  return customer.id;
}
