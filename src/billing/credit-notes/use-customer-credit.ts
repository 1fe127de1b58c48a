// R16: customer credit is used first by the customer's next invoice ("Kredit digunakan"), once: the ledger's
// per-customer row lock serialises users of the balance, and a unique index allows one 'used' entry per invoice.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';

/** Takes min(credit balance, total) off the new invoice in the caller's transaction; returns what was used. */
export async function useCustomerCredit(
  trx: Db,
  invoice: {
    readonly id: number;
    readonly customerId: number;
    readonly total: Rupiah;
    readonly date: string;
  },
): Promise<Rupiah> {
  // The customers row lock is the one the ledger trigger takes; taking it first makes the balance read exact.
  await trx.selectFrom('customers').select('id').where('id', '=', invoice.customerId).forUpdate().execute();
  const row = await trx
    .selectFrom('customer_credit_balances')
    .select('balance')
    .where('customer_id', '=', invoice.customerId)
    .executeTakeFirst();
  const used = Math.min(row?.balance ?? 0, invoice.total);
  if (used <= 0) return 0;
  await trx
    .insertInto('customer_credit_ledger')
    .values({
      customer_id: invoice.customerId,
      entry_date: invoice.date,
      kind: 'used',
      amount: -used,
      invoice_id: invoice.id,
    })
    .execute();
  const paidUp = sql<boolean>`paid_amount + credit_reduced + credit_used + ${used} = total`;
  await trx
    .updateTable('invoices')
    .set({
      credit_used: sql`credit_used + ${used}`,
      status: sql`case when ${paidUp} then 'credited' else status end`,
    })
    .where('id', '=', invoice.id)
    .execute();
  await trx
    .insertInto('invoice_events')
    .values({
      invoice_id: invoice.id,
      event: 'credit_used',
      actor: 'tagih',
      detail: `customer credit ${used} used`,
    })
    .execute();
  return used;
}
