// Issue 13 / DESIGN §2: what POST /v1/balance tells a customer, per plan. Balance is whole rupiah written as the
// terms' example writes it ("19040": digits only, no separators), Expired a 'YYYY-MM-DD' date.
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { lastDayOf, monthOf } from '../domain/period.ts';
import { forfeitDueOf } from '../domain/prepaid.ts';

export interface BalanceFigures {
  readonly Balance: string;
  readonly Expired: string;
}

/**
 * The figures of an active account, or null when there is nothing to report (answered 25 Error Check Balance):
 * a closed account (a closed prepaid account's balance was forfeited at closing, R15/R13), or a prepaid customer
 * whose prepaid account was never opened.
 * - Postpaid (R10): what is left of this month's quota, good until the month's last day (WIB).
 * - Prepaid (R15): the balance, and the day it is forfeited if nothing changes: the end of its masa aktif
 *   (`prepaid_accounts.expires_on`), or earlier, 6 months after the last billable message (or top-up) on the
 *   inactivity rule (forfeitDueOf, the same date the forfeiture job and `status` use). A forfeited or used-up
 *   balance answers "0" with the masa aktif end; an account never topped up answers "0" with an empty Expired.
 */
export async function balanceFigures(db: Db, customerId: number, now: Date): Promise<BalanceFigures | null> {
  const c = await db
    .selectFrom('customers as c')
    .leftJoin('sending_permission as p', 'p.customer_code', 'c.code')
    .leftJoin('prepaid_accounts as a', 'a.customer_id', 'c.id')
    .leftJoin('prepaid_balances as b', 'b.customer_id', 'c.id')
    .select(['c.billing', 'c.status', 'p.usage', 'p.quota', 'a.expires_on', 'a.last_topup_on', 'b.balance'])
    .select(
      sql<string | null>`to_char(a.last_billable_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD')`.as(
        'last_billable_on',
      ),
    )
    .where('c.id', '=', customerId)
    .executeTakeFirst();
  if (c?.status !== 'active') return null;
  if (c.billing === 'prepaid') {
    if (c.balance === null) return null;
    const due =
      Number(c.balance) > 0
        ? forfeitDueOf({
            expiresOn: c.expires_on,
            lastTopupOn: c.last_topup_on,
            lastBillableOn: c.last_billable_on,
          })
        : null;
    return { Balance: String(c.balance), Expired: due?.on ?? c.expires_on ?? '' };
  }
  if (c.quota === null) return null;
  const left = Math.max(0, Number(c.quota) - Number(c.usage ?? 0));
  return { Balance: String(left), Expired: lastDayOf(monthOf(now)) };
}
