import type { Db } from '../db/connect.ts';

export interface CustomerHistoryRow {
  /** ISO 8601 instant. */
  readonly changed_at: string;
  readonly actor: string;
  readonly source: string;
  readonly field: string;
  readonly old_value: string | null;
  readonly new_value: string | null;
}

/** Issue 10: a customer's changes, oldest first; null when there is no such customer. */
export async function customerHistory(
  db: Db,
  code: string,
): Promise<ReadonlyArray<CustomerHistoryRow> | null> {
  const customer = await db.selectFrom('customers').select('id').where('code', '=', code).executeTakeFirst();
  if (!customer) return null;
  const rows = await db
    .selectFrom('customer_changes')
    .select(['changed_at', 'actor', 'source', 'field', 'old_value', 'new_value'])
    .where('customer_id', '=', customer.id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, changed_at: r.changed_at.toISOString() }));
}
