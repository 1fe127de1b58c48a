import type { Db } from '../../db/connect.ts';
import type { InvoiceStatus } from '../../db/schema.ts';
import { creditedOf, openAmount } from '../../domain/invoice-balance.ts';
import { formatRupiah, type Rupiah } from '../../domain/money.ts';
import { wibDateOf } from '../../domain/period.ts';
import { queueMail } from '../../mail/outbox.ts';
import { liftSuspensions } from '../accounts/suspensions.ts';
import { BillingRefused, InvoiceNotFound } from '../billing-refused.ts';
import { recordPaymentOn } from './apply-payment.ts';
import { overdueOpenInvoices } from './open-invoices.ts';

export interface PaymentInput {
  readonly invoiceNumber: string;
  readonly amount: Rupiah;
  /** 'YYYY-MM-DD' the money arrived. */
  readonly date: string;
  /** The bank's reference or description; with it, the same transfer recorded twice is recognised. */
  readonly ref?: string | null;
  readonly actor: string;
  /** The clock for "not in the future" (the real one if absent). */
  readonly now?: Date;
}

export interface PaymentRecorded {
  readonly outcome: 'recorded' | 'duplicate';
  readonly invoice_number: string;
  readonly customer_code: string;
  readonly amount: Rupiah;
  readonly paid_on: string;
  readonly open_after: Rupiah;
  readonly status: InvoiceStatus;
  /** An 'unpaid' suspension lifted by this payment. */
  readonly unsuspended: boolean;
}

/**
 * R12: records a bank transfer against an invoice, partial payments included: the invoice becomes
 * 'partially_paid' or 'paid', the customer gets a receipt, and paying the last overdue invoice in full lifts an
 * 'unpaid' suspension (R11). An overpayment is refused (nothing recorded): tagih keeps no customer credit, so
 * finance records at most the open amount and returns or reassigns the rest by hand.
 */
export async function recordPayment(db: Db, input: PaymentInput): Promise<PaymentRecorded> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new BillingRefused(`A payment must be a positive whole rupiah amount, got ${input.amount}.`);
  }
  const ref = input.ref?.trim() ? input.ref.trim() : null;
  return db.transaction().execute(async (trx) => {
    const invoice = await lockInvoice(trx, input.invoiceNumber);
    const open = openAmount({
      total: invoice.total,
      paidAmount: invoice.paid_amount,
      credited: creditedOf(invoice),
    });
    const result = (outcome: PaymentRecorded['outcome'], openAfter: Rupiah, status: InvoiceStatus) => ({
      outcome,
      invoice_number: invoice.number,
      customer_code: invoice.code,
      amount: input.amount,
      paid_on: input.date,
      open_after: openAfter,
      status,
      unsuspended: false,
    });
    if (ref !== null && (await isDuplicate(trx, invoice.id, input, ref))) {
      return result('duplicate', open, invoice.status);
    }
    refuseUnpayable(invoice, input, open);
    // R12: issued → partially_paid / paid; an invoice the deposit already paid in part ends as 'paid' too.
    const applied = await recordPaymentOn(trx, invoice, {
      amount: input.amount,
      date: input.date,
      source: 'transfer',
      ref,
      actor: input.actor,
      detail: (openAfter) =>
        `${input.amount} by transfer on ${input.date}${ref ? ` (${ref})` : ''}, ${openAfter} still open`,
    });
    await queueMail(trx, {
      kind: 'payment_received',
      subjectKey: `payment:${applied.paymentId}`,
      customerId: invoice.customer_id,
      invoiceId: invoice.id,
      payload: {
        invoice_number: invoice.number,
        amount: input.amount,
        paid_on: input.date,
        open_after: applied.openAfter,
      },
    });
    let unsuspended = false;
    if (
      applied.openAfter === 0 &&
      (await overdueOpenInvoices(trx, invoice.customer_id, input.date)).length === 0
    ) {
      // R11: suspended for unpaid "until it is paid".
      unsuspended = await liftSuspensions(trx, invoice.customer_id, 'unpaid', `paid ${invoice.number}`);
    }
    return { ...result('recorded', applied.openAfter, applied.status), unsuspended };
  });
}

async function lockInvoice(trx: Db, invoiceNumber: string) {
  const invoice = await trx
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
      'i.id',
      'i.number',
      'i.customer_id',
      'i.total',
      'i.paid_amount',
      'i.credit_reduced',
      'i.credit_used',
      'i.status',
      'i.invoice_date',
      'c.code',
    ])
    .where('i.number', '=', invoiceNumber)
    .forUpdate('i')
    .executeTakeFirst();
  if (!invoice) throw new InvoiceNotFound(invoiceNumber);
  return invoice;
}

/** The same transfer (bank reference, amount, day) already recorded against the invoice. */
async function isDuplicate(trx: Db, invoiceId: number, input: PaymentInput, ref: string): Promise<boolean> {
  const same = await trx
    .selectFrom('payments')
    .select('id')
    .where('invoice_id', '=', invoiceId)
    .where('method', '=', 'transfer')
    .where('ref', '=', ref)
    .where('amount', '=', input.amount)
    .where('paid_on', '=', input.date)
    .executeTakeFirst();
  return same !== undefined;
}

function refuseUnpayable(
  invoice: {
    number: string;
    status: InvoiceStatus;
    invoice_date: string;
    total: Rupiah;
    paid_amount: Rupiah;
  },
  input: PaymentInput,
  open: Rupiah,
): void {
  if (invoice.status === 'void') {
    throw new BillingRefused(`${invoice.number} is void; record the payment against its replacement.`);
  }
  // Issue 17: money that has not arrived yet is not a payment; a typo in the year must not pay an invoice early.
  const today = wibDateOf(input.now ?? new Date());
  if (input.date > today) {
    throw new BillingRefused(
      `The payment date ${input.date} is in the future (today is ${today}, WIB); nothing was recorded. Record a payment on the day the money arrived.`,
    );
  }
  if (input.date < invoice.invoice_date) {
    throw new BillingRefused(
      `The payment date ${input.date} is before ${invoice.number} was issued (${invoice.invoice_date}). Check the date.`,
    );
  }
  if (open === 0) {
    throw new BillingRefused(
      `${invoice.number} is already paid in full (${invoice.status}); nothing was recorded. Return the money or apply it to another invoice.`,
    );
  }
  if (input.amount > open) {
    throw new BillingRefused(
      `Overpayment refused: ${formatRupiah(input.amount)} is more than the ${formatRupiah(open)} still open on ${invoice.number} (total ${formatRupiah(invoice.total)}, paid ${formatRupiah(invoice.paid_amount)}). Nothing was recorded; record at most ${formatRupiah(open)} and return or reassign the difference of ${formatRupiah(input.amount - open)}.`,
    );
  }
}

export interface PaymentRow {
  readonly id: number;
  readonly invoice_number: string;
  readonly customer_code: string;
  readonly amount: Rupiah;
  readonly paid_on: string;
  readonly method: 'transfer' | 'deposit';
  readonly ref: string | null;
  readonly invoice_status: InvoiceStatus;
  readonly invoice_open: Rupiah;
}

/** Every payment (transfers and deposit settlements), newest first. */
export async function listPayments(
  db: Db,
  opts: { readonly customerCode?: string; readonly invoiceNumber?: string } = {},
): Promise<ReadonlyArray<PaymentRow>> {
  let q = db
    .selectFrom('payments as p')
    .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
      'p.id',
      'i.number',
      'c.code',
      'p.amount',
      'p.paid_on',
      'p.method',
      'p.ref',
      'i.status',
      'i.total',
      'i.paid_amount',
      'i.credit_reduced',
      'i.credit_used',
    ])
    .orderBy('p.paid_on', 'desc')
    .orderBy('p.id', 'desc');
  if (opts.customerCode !== undefined) q = q.where('c.code', '=', opts.customerCode);
  if (opts.invoiceNumber !== undefined) q = q.where('i.number', '=', opts.invoiceNumber);
  return (await q.execute()).map((r) => ({
    id: r.id,
    invoice_number: r.number,
    customer_code: r.code,
    amount: r.amount,
    paid_on: r.paid_on,
    method: r.method,
    ref: r.ref,
    invoice_status: r.status,
    invoice_open: openAmount({ total: r.total, paidAmount: r.paid_amount, credited: creditedOf(r) }),
  }));
}
