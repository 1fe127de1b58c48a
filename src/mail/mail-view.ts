// What a mail template sees: plain, already formatted values (money as 'Rp 1.234.567', dates in words, Indonesian
// and English). Pure: the facts come in, the view goes out.
import type { Config } from '../config.ts';
import { civilFromDays, requireIsoDate } from '../domain/civil-days.ts';
import { isIsoDate } from '../domain/dates.ts';
import { formatDateId, monthLabelId, periodRangeLabelId } from '../domain/indonesian-dates.ts';
import { formatRupiah } from '../domain/money.ts';
import { parseYearMonth } from '../domain/period.ts';
import type { MailKind } from './outbox.ts';

/** A queued mail whose payload lacks what its template needs: retrying will not help, the queuer must be fixed. */
export class MailPayloadError extends Error {
  override readonly name = 'MailPayloadError';
}

export type InvoiceKind = 'invoice_issued' | 'reminder_before_due' | 'reminder_overdue';

export function isInvoiceKind(kind: MailKind): kind is InvoiceKind {
  return kind === 'invoice_issued' || kind === 'reminder_before_due' || kind === 'reminder_overdue';
}

export interface CustomerFacts {
  readonly code: string;
  readonly name: string;
}

export interface InvoiceFacts {
  readonly number: string;
  /** 'YYYY-MM-01' */
  readonly period: string;
  readonly periodEnd: string;
  readonly kind: 'monthly' | 'final';
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly total: number;
  readonly paidAmount: number;
  /** R16: credit that reduced the open amount (credit notes and customer credit used). */
  readonly credited?: number;
  readonly taxLabel: string;
}

export interface AttachmentFacts {
  readonly pdf: string;
  readonly detail: string | null;
  readonly detailGzipped: boolean;
  /** R14: the detail is over the mail limit even gzipped; the mail says it is available on request. */
  readonly detailOmitted: boolean;
}

export interface ViewFacts {
  readonly kind: MailKind;
  readonly config: Pick<Config, 'company' | 'bank'>;
  readonly customer: CustomerFacts;
  readonly invoice?: InvoiceFacts;
  readonly attachments?: AttachmentFacts;
  readonly payload: Readonly<Record<string, unknown>>;
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** '2026-11-15' → '15 November 2026'. */
export function formatDateEn(date: string): string {
  const { year, month, day } = civilFromDays(requireIsoDate(date, 'Date'));
  return `${day} ${MONTHS_EN[month - 1]} ${year}`;
}

function monthLabelEn(month: string): string {
  const parsed = parseYearMonth(month);
  if (!parsed) throw new RangeError(`Month '${month}' is not valid; expected YYYY-MM.`);
  return `${MONTHS_EN[parsed.month - 1]} ${parsed.year}`;
}

/** '83,3 %' and '83.3 %': at most one decimal, never a float's tail. */
function percentLabels(percent: number): { id: string; en: string } {
  const options = { maximumFractionDigits: 1 };
  return {
    id: `${new Intl.NumberFormat('id-ID', options).format(percent)}%`,
    en: `${new Intl.NumberFormat('en-GB', options).format(percent)}%`,
  };
}

const dateLabels = (date: string) => ({ id: formatDateId(date), en: formatDateEn(date) });

class Payload {
  constructor(
    private readonly kind: MailKind,
    private readonly values: Readonly<Record<string, unknown>>,
  ) {}

  private fail(key: string, expected: string): never {
    throw new MailPayloadError(
      `A ${this.kind} mail needs payload.${key} (${expected}); it holds ${JSON.stringify(this.values[key])}.`,
    );
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  rupiah(key: string): number {
    const v = this.values[key];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.fail(key, 'whole rupiah');
  }

  number(key: string): number {
    const v = this.values[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number');
  }

  date(key: string): string {
    const v = this.values[key];
    return typeof v === 'string' && isIsoDate(v) ? v : this.fail(key, "a date 'YYYY-MM-DD'");
  }

  month(key: string): string {
    const v = this.values[key];
    return typeof v === 'string' && parseYearMonth(v) ? v : this.fail(key, "a month 'YYYY-MM'");
  }

  text(key: string): string {
    const v = this.values[key];
    return typeof v === 'string' && v.trim() !== '' ? v : this.fail(key, 'a text');
  }

  optionalText(key: string): string | null {
    const v = this.values[key];
    return v === null || v === undefined ? null : this.text(key);
  }

  texts(key: string): string[] {
    const v = this.values[key];
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')
      ? (v as string[])
      : this.fail(key, 'a list of texts');
  }
}

function invoiceView(invoice: InvoiceFacts) {
  const open = Math.max(invoice.total - invoice.paidAmount - (invoice.credited ?? 0), 0);
  const month = invoice.period.slice(0, 7);
  const final = invoice.kind === 'final';
  return {
    number: invoice.number,
    periodId: final ? periodRangeLabelId(invoice.period, invoice.periodEnd) : monthLabelId(month),
    periodEn: final
      ? `${formatDateEn(invoice.period)} – ${formatDateEn(invoice.periodEnd)}`
      : monthLabelEn(month),
    dateId: formatDateId(invoice.invoiceDate),
    dateEn: formatDateEn(invoice.invoiceDate),
    dueDateId: formatDateId(invoice.dueDate),
    dueDateEn: formatDateEn(invoice.dueDate),
    total: formatRupiah(invoice.total),
    open: formatRupiah(open),
    taxLabel: invoice.taxLabel,
    openAmount: open,
  };
}

/** Transfer instructions: the reference is the invoice number(s), so finance can match the mutation (R12). */
function payment(amount: number, reference: string, by: string | null) {
  return {
    amount: formatRupiah(amount),
    reference,
    byId: by ? formatDateId(by) : null,
    byEn: by ? formatDateEn(by) : null,
  };
}

function noticeView(kind: MailKind, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const p = new Payload(kind, values);
  switch (kind) {
    case 'quota_warning': {
      const percent = percentLabels(p.number('percent'));
      return {
        month: { id: monthLabelId(p.month('month')), en: monthLabelEn(p.month('month')) },
        usage: formatRupiah(p.rupiah('usage')),
        quota: formatRupiah(p.rupiah('quota')),
        percentId: percent.id,
        percentEn: percent.en,
      };
    }
    case 'quota_suspended':
      return {
        month: { id: monthLabelId(p.month('month')), en: monthLabelEn(p.month('month')) },
        usage: formatRupiah(p.rupiah('usage')),
        quota: formatRupiah(p.rupiah('quota')),
      };
    case 'settled_from_deposit': {
      const openAfter = p.rupiah('open_after');
      return {
        invoiceNumber: p.text('invoice_number'),
        amount: formatRupiah(p.rupiah('amount')),
        openAfter: formatRupiah(openAfter),
        balanceAfter: formatRupiah(p.rupiah('balance_after')),
        hasOpen: openAfter > 0,
        payment: payment(openAfter, p.text('invoice_number'), null),
      };
    }
    case 'suspended_unpaid': {
      const numbers = p.texts('invoice_numbers');
      return {
        invoiceNumbers: numbers,
        openAmount: formatRupiah(p.rupiah('open_amount')),
        payment: payment(p.rupiah('open_amount'), numbers.join(', '), null),
      };
    }
    case 'payment_received': {
      const openAfter = p.rupiah('open_after');
      return {
        invoiceNumber: p.text('invoice_number'),
        amount: formatRupiah(p.rupiah('amount')),
        paidOn: dateLabels(p.date('paid_on')),
        openAfter: formatRupiah(openAfter),
        hasOpen: openAfter > 0,
        payment: payment(openAfter, p.text('invoice_number'), null),
      };
    }
    case 'account_closed': {
      const refund = p.rupiah('refund_amount');
      return {
        closingDate: dateLabels(p.date('closing_date')),
        finalInvoiceNumber: p.optionalText('final_invoice_number'),
        refundAmount: formatRupiah(refund),
        hasRefund: refund > 0,
        refundDueDate: dateLabels(p.date('refund_due_date')),
      };
    }
    case 'credit_note_issued':
    case 'invoice_replaced':
      return creditNoteView(p);
    case 'prepaid_topup':
    case 'prepaid_forfeit_warning':
    case 'prepaid_forfeited':
    case 'prepaid_statement':
      return prepaidView(p);
    default:
      throw new MailPayloadError(`No view for mail kind '${kind}'.`);
  }
}

/** R16: a credit note's facts; for a void-and-reissue also the void invoice and its replacement. */
function creditNoteView(p: Payload): Record<string, unknown> {
  const reducedOpen = p.rupiah('reduced_open');
  const toCredit = p.rupiah('to_credit');
  const view: Record<string, unknown> = {
    creditNoteNumber: p.text('credit_note_number'),
    creditDate: dateLabels(p.date('credit_date')),
    invoiceNumber: p.text('invoice_number'),
    total: formatRupiah(p.rupiah('total')),
    reducedOpen: formatRupiah(reducedOpen),
    toCredit: formatRupiah(toCredit),
    hasReducedOpen: reducedOpen > 0,
    hasCredit: toCredit > 0,
    reason: p.text('reason'),
  };
  if (p.has('new_invoice_number')) {
    view.voidInvoiceNumber = p.text('void_invoice_number');
    view.newInvoiceNumber = p.text('new_invoice_number');
    view.newTotal = formatRupiah(p.rupiah('new_total'));
    view.newDueDate = dateLabels(p.date('new_due_date'));
    view.payment = payment(p.rupiah('new_total'), p.text('new_invoice_number'), p.date('new_due_date'));
  }
  return view;
}

/** R15: the prepaid notices show their amounts and dates as given; each template takes what it needs. */
function prepaidView(p: Payload): Record<string, unknown> {
  const money = (key: string) => (p.has(key) ? formatRupiah(p.rupiah(key)) : null);
  const day = (key: string) => (p.has(key) && p.optionalText(key) !== null ? dateLabels(p.date(key)) : null);
  const month = p.has('month') ? p.month('month') : null;
  return {
    receiptNumber: p.has('receipt_number') ? p.text('receipt_number') : null,
    topupDate: day('topup_date'),
    amount: money('amount'),
    tax: money('tax'),
    total: money('total'),
    pricePerPart: money('price_per_part'),
    expiresOn: day('expires_on'),
    balanceAfter: money('balance_after'),
    balance: money('balance'),
    forfeitOn: day('forfeit_on'),
    days: p.has('days') ? p.number('days') : null,
    byExpiry: p.has('cause') && p.text('cause') === 'expiry',
    byInactivity: p.has('cause') && p.text('cause') === 'inactivity',
    byClosure: p.has('cause') && p.text('cause') === 'closure',
    month: month ? { id: monthLabelId(month), en: monthLabelEn(month) } : null,
    opening: money('opening'),
    closing: money('closing'),
  };
}

/** The template view of one mail. Throws MailPayloadError when the facts do not fit the kind. */
export function mailView(facts: ViewFacts): Record<string, unknown> {
  const { company, bank } = facts.config;
  const base = {
    company: {
      name: company.name,
      email: company.email,
      whatsapp: `+${company.whatsapp.replace(/^\+/, '')}`,
    },
    bank,
    customer: facts.customer,
  };
  if (!isInvoiceKind(facts.kind)) return { ...base, ...noticeView(facts.kind, facts.payload) };
  if (!facts.invoice || !facts.attachments) {
    throw new MailPayloadError(`A ${facts.kind} mail needs its invoice and attachments.`);
  }
  const invoice = invoiceView(facts.invoice);
  const dueBy = facts.kind === 'reminder_overdue' ? null : facts.invoice.dueDate;
  return {
    ...base,
    invoice,
    payment: payment(invoice.openAmount, facts.invoice.number, dueBy),
    attachments: facts.attachments,
  };
}
