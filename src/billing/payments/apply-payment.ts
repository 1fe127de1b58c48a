// R11, R12: the one place that applies money to an invoice: the payment row, the invoice's paid amount and
// status (by the pure rules of domain/invoice-balance.ts) and the invoice's event, in the caller's transaction.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import {
  type AppliedPayment,
  applyPayment,
  creditedOf,
  type InvoiceStatus,
  type PaymentSource,
} from '../../domain/invoice-balance.ts';
import type { Rupiah } from '../../domain/money.ts';

export interface PayableInvoice {
  readonly id: number;
  readonly total: Rupiah;
  readonly paid_amount: Rupiah;
  readonly credit_reduced: Rupiah;
  readonly credit_used: Rupiah;
  readonly status: InvoiceStatus;
}

export interface PaymentToApply {
  readonly amount: Rupiah;
  readonly date: string;
  readonly source: PaymentSource;
  readonly ref: string | null;
  readonly actor: string;
  /** The invoice event's text, told what is left open. */
  readonly detail: (openAfter: Rupiah) => string;
}

/** Records the payment against the (row-locked) invoice; returns the payment's id and the new balance. */
export async function recordPaymentOn(
  trx: Db,
  invoice: PayableInvoice,
  payment: PaymentToApply,
): Promise<AppliedPayment & { readonly paymentId: number }> {
  const applied = applyPayment(
    {
      total: invoice.total,
      paidAmount: invoice.paid_amount,
      credited: creditedOf(invoice),
      status: invoice.status,
    },
    payment.amount,
    payment.source,
  );
  const row = await trx
    .insertInto('payments')
    .values({
      invoice_id: invoice.id,
      amount: payment.amount,
      paid_on: payment.date,
      method: payment.source,
      ref: payment.ref,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('invoices')
    .set({ paid_amount: sql`paid_amount + ${payment.amount}`, status: applied.status })
    .where('id', '=', invoice.id)
    .execute();
  await trx
    .insertInto('invoice_events')
    .values({
      invoice_id: invoice.id,
      event: payment.source === 'deposit' ? 'settled_from_deposit' : 'payment',
      actor: payment.actor,
      detail: payment.detail(applied.openAfter),
    })
    .execute();
  return { ...applied, paymentId: row.id };
}
