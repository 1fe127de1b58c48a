import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

/**
 * R18: the latest period already issued, ending on or after `from`, of a customer the new list affects: the
 * customer of a contract list; for a standard list every customer without a contract list for the product.
 * Null when the list may start on `from`.
 */
export async function refusalOf(
  db: Db,
  product: string,
  customerId: number | null,
  from: string,
): Promise<{ month: string; customerCode: string; lastDay: string } | null> {
  const found = await sql<{ month: string; code: string; last_day: string }>`
    select to_char(i.period, 'YYYY-MM') as month, c.code, to_char(max(i.period_end) over (), 'YYYY-MM-DD') as last_day
    from invoices i join customers c on c.id = i.customer_id
    where i.status <> 'void' and i.period_end >= ${from}::date
      and ${
        customerId === null
          ? sql`not exists (select 1 from price_lists p where p.product = ${product} and p.customer_id = c.id and p.retired_at is null)`
          : sql`i.customer_id = ${customerId}`
      }
    order by i.period desc, c.code
    limit 1
  `.execute(db);
  const r = found.rows[0];
  return r === undefined ? null : { month: r.month, customerCode: r.code, lastDay: r.last_day };
}
