// R15: the prepaid account row: price per part, masa aktif, and the row every balance change locks.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { FIRST_TIER_PRICE } from '../../domain/prepaid.ts';

/** Opens the prepaid account of a customer, once (the first tier's price until the first top-up). */
export async function openPrepaidAccount(db: Db, customerId: number): Promise<void> {
  await db
    .insertInto('prepaid_accounts')
    .values({ customer_id: customerId, price_per_part: FIRST_TIER_PRICE })
    .onConflict((oc) => oc.column('customer_id').doNothing())
    .execute();
}

export interface PrepaidAccountState {
  readonly customerId: number;
  readonly pricePerPart: number;
  readonly balance: number;
  readonly expiresOn: string | null;
  readonly lastTopupOn: string | null;
  /** WIB date of the last billable message. */
  readonly lastBillableOn: string | null;
}

/** The account as it stands, locked for this transaction when `lock` (every balance change takes this lock). */
export async function loadPrepaidAccount(
  db: Db,
  customerId: number,
  lock: boolean,
): Promise<PrepaidAccountState | undefined> {
  let query = db
    .selectFrom('prepaid_accounts as a')
    .select([
      'a.customer_id',
      'a.price_per_part',
      'a.expires_on',
      'a.last_topup_on',
      sql<string | null>`to_char(a.last_billable_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD')`.as(
        'last_billable_on',
      ),
    ])
    .where('a.customer_id', '=', customerId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const balance = await db
    .selectFrom('prepaid_balances')
    .select('balance')
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return {
    customerId,
    pricePerPart: row.price_per_part,
    balance: balance.balance,
    expiresOn: row.expires_on,
    lastTopupOn: row.last_topup_on,
    lastBillableOn: row.last_billable_on,
  };
}
