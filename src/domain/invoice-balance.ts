// R11, R12, R16: an invoice's balance as pure rules, on the lines of Kill Bill's InvoiceCalculatorUtils: what is
// still open, which statuses count as open, and what an invoice becomes when a payment is applied.
import type { Rupiah } from './money.ts';

/** 'credited': R16, credit notes left nothing open on an invoice nobody paid. */
export type InvoiceStatus =
  | 'issued'
  | 'partially_paid'
  | 'paid'
  | 'settled_from_deposit'
  | 'credited'
  | 'void';

/** How money reached an invoice: a bank transfer (R12) or the guarantee deposit (R11). */
export type PaymentSource = 'transfer' | 'deposit';

/** R11/R12: the statuses of an invoice that may still have an amount open. */
export const OPEN_STATUSES = ['issued', 'partially_paid'] as const satisfies ReadonlyArray<InvoiceStatus>;

export interface InvoiceBalance {
  readonly total: Rupiah;
  readonly paidAmount: Rupiah;
  /**
   * R16: what credit reduced the open amount: the invoice's credit notes up to what was open when each was issued
   * (invoices.credit_reduced) plus the customer credit it used (invoices.credit_used).
   */
  readonly credited: Rupiah;
  readonly status: InvoiceStatus;
}

export function isOpenStatus(status: InvoiceStatus): boolean {
  return (OPEN_STATUSES as ReadonlyArray<InvoiceStatus>).includes(status);
}

/** What is still owed on the invoice: total − paid − credited (R16: what exceeds it is customer credit). */
export function openAmount(invoice: Pick<InvoiceBalance, 'total' | 'paidAmount' | 'credited'>): Rupiah {
  return Math.max(invoice.total - invoice.paidAmount - invoice.credited, 0);
}

/** The columns of an invoices row that make its open amount (R16), as the SQL twin `open_amount_sql` reads them. */
export function creditedOf(row: { readonly credit_reduced: Rupiah; readonly credit_used: Rupiah }): Rupiah {
  return row.credit_reduced + row.credit_used;
}

export interface CreditSplit {
  /** What reduces the invoice's open amount. */
  readonly reducedOpen: Rupiah;
  /** What exceeds it: customer credit (R16), used first by the next invoice. */
  readonly toCustomerCredit: Rupiah;
  readonly status: InvoiceStatus;
}

/**
 * R16: a credit note of `total` first reduces the open amount; the rest is customer credit. An open invoice left
 * with nothing open is 'paid' when money was received on it, else 'credited'; a paid one keeps its status.
 * The database trigger credit_note_apply is this rule's twin (pinned by test/billing/credit-notes).
 */
export function splitCredit(invoice: InvoiceBalance, total: Rupiah): CreditSplit {
  const open = openAmount(invoice);
  const reducedOpen = Math.min(total, open);
  const closes = isOpenStatus(invoice.status) && reducedOpen === open;
  const status = closes ? (invoice.paidAmount > 0 ? 'paid' : 'credited') : invoice.status;
  return { reducedOpen, toCustomerCredit: total - reducedOpen, status };
}

/** An invoice is open while it is not void and an amount is left. */
export function isOpen(invoice: InvoiceBalance): boolean {
  return invoice.status !== 'void' && openAmount(invoice) > 0;
}

/**
 * R11/R12: the status after a payment leaves `openAfter`: anything left is 'partially_paid'; nothing left is
 * 'paid' for a transfer — an invoice the deposit already paid in part ends as 'paid' too — and
 * 'settled_from_deposit' when the deposit paid the last of it.
 */
export function statusAfterPayment(openAfter: Rupiah, source: PaymentSource): InvoiceStatus {
  if (openAfter > 0) return 'partially_paid';
  return source === 'deposit' ? 'settled_from_deposit' : 'paid';
}

export interface AppliedPayment {
  readonly openBefore: Rupiah;
  readonly openAfter: Rupiah;
  readonly paidAmount: Rupiah;
  readonly status: InvoiceStatus;
}

/**
 * R11/R12: applies `amount` to the invoice. The caller refuses an overpayment before (R12) or takes at most
 * the open amount (R11); a payment over the open amount is a fault here, never a customer credit.
 */
export function applyPayment(invoice: InvoiceBalance, amount: Rupiah, source: PaymentSource): AppliedPayment {
  const openBefore = openAmount(invoice);
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > openBefore) {
    throw new RangeError(`cannot apply ${amount} to an invoice with ${openBefore} open`);
  }
  const openAfter = openBefore - amount;
  return {
    openBefore,
    openAfter,
    paidAmount: invoice.paidAmount + amount,
    status: statusAfterPayment(openAfter, source),
  };
}
