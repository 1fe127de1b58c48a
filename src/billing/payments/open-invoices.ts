import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface OpenInvoice {
  readonly id: number;
  readonly number: string;
  readonly open: number;
}

/**
 * R11: the customer's invoices still open whose settlement is due by `date`: issued before the month `date`
 * is in (the month-end settlement has passed them). A new invoice, not yet at its month end, is not counted.
 */
export async function overdueOpenInvoices(
  db: Kysely<DB>,
  customerId: number,
  date: string,
): Promise<ReadonlyArray<OpenInvoice>> {
  const rows = await db
    .selectFrom('invoices')
    .select(['id', 'number', 'total', 'paid_amount'])
    .where('customer_id', '=', customerId)
    .where('status', 'in', ['issued', 'partially_paid'])
    .where('invoice_date', '<', `${date.slice(0, 7)}-01`)
    .orderBy('invoice_date')
    .orderBy('id')
    .execute();
  return rows
    .filter((r) => r.paid_amount < r.total)
    .map((r) => ({ id: r.id, number: r.number, open: r.total - r.paid_amount }));
}
