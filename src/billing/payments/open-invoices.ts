import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { creditedOf, OPEN_STATUSES, openAmount } from '../../domain/invoice-balance.ts';

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
    .select(['id', 'number', 'total', 'paid_amount', 'credit_reduced', 'credit_used'])
    .where('customer_id', '=', customerId)
    .where('status', 'in', OPEN_STATUSES)
    .where('invoice_date', '<', `${date.slice(0, 7)}-01`)
    .orderBy('invoice_date')
    .orderBy('id')
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      number: r.number,
      open: openAmount({ total: r.total, paidAmount: r.paid_amount, credited: creditedOf(r) }),
    }))
    .filter((r) => r.open > 0);
}
