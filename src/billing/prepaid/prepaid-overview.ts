// R15: every prepaid account with its balance, masa aktif and next forfeiture (for customers list and status).
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';
import { forfeitDueOf } from '../../domain/prepaid.ts';

export interface PrepaidOverview {
  readonly customer_code: string;
  readonly balance: number;
  readonly expires_on: string | null;
  readonly forfeit_on: string | null;
  readonly forfeit_cause: 'expiry' | 'inactivity' | null;
}

export async function prepaidOverview(db: Db): Promise<ReadonlyArray<PrepaidOverview>> {
  const rows = await db
    .selectFrom('prepaid_accounts as a')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .innerJoin('prepaid_balances as b', 'b.customer_id', 'a.customer_id')
    .select(['c.code', 'b.balance', 'a.expires_on', 'a.last_topup_on'])
    .select(
      sql<string | null>`to_char(a.last_billable_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD')`.as(
        'last_billable_on',
      ),
    )
    .where('c.status', '=', 'active')
    .where('c.billing', '=', 'prepaid')
    .orderBy('c.code')
    .execute();
  return rows.map((r) => {
    const due =
      r.balance > 0
        ? forfeitDueOf({
            expiresOn: r.expires_on,
            lastTopupOn: r.last_topup_on,
            lastBillableOn: r.last_billable_on,
          })
        : null;
    return {
      customer_code: r.code,
      balance: r.balance,
      expires_on: r.expires_on,
      forfeit_on: due?.on ?? null,
      forfeit_cause: due?.cause ?? null,
    };
  });
}

/** R15: the accounts `status` lists: at zero, or forfeiting within 30 days of `today`. */
export async function prepaidNeedingAttention(
  db: Db,
  today: string,
): Promise<ReadonlyArray<PrepaidOverview>> {
  const soon = addDays(today, 30);
  return (await prepaidOverview(db)).filter(
    (p) => p.balance <= 0 || (p.forfeit_on !== null && p.forfeit_on <= soon),
  );
}
