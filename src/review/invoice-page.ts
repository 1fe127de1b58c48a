import { periodRangeLabelId } from '../domain/indonesian-dates.ts';
import { formatDpp } from '../domain/tax.ts';
import type { InvoiceDetail } from './load-invoice.ts';
import type { Flag } from './review-flags.ts';
import {
  eventLabel,
  MAIL_LABELS,
  PAYMENT_LABELS,
  parts,
  rupiah,
  STATE_LABELS,
  shortDate,
  wibTime,
} from './review-labels.ts';
import { pageState } from './review-table.ts';

export interface InvoicePageContext {
  readonly csrf: string;
  readonly flags: ReadonlyArray<Flag>;
}

/** The view of one invoice: figures, flags, actions, history, and its PDF beside them. */
export function invoiceView(d: InvoiceDetail, ctx: InvoicePageContext) {
  const state = pageState(d.status, d.reviewState);
  const invoiceMail = [...d.mails].reverse().find((m) => m.kind === 'invoice_issued');
  const mailState = invoiceMail?.status ?? 'none';
  return {
    id: d.id,
    number: d.number,
    month: d.month,
    customerCode: d.customerCode,
    customerName: d.customerName,
    emails: d.emails.join(', '),
    period: periodRangeLabelId(d.periodStart, d.periodEnd),
    invoiceDate: shortDate(d.invoiceDate),
    dueDate: shortDate(d.dueDate),
    messages: parts(d.messages),
    parts: parts(d.parts),
    subtotal: rupiah(d.subtotal),
    tax: rupiah(d.tax),
    // R6: the DPP as the invoice shows it (whole rupiah under PER-11, 2 decimals before 22 May 2025).
    dpp: d.dpp === null ? null : 'whole' in d.dpp ? rupiah(d.dpp.whole) : `Rp ${formatDpp(d.dpp.hundredths)}`,
    taxLabel: d.taxLabel,
    total: rupiah(d.total),
    paid: d.paidAmount > 0 ? rupiah(d.paidAmount) : null,
    state,
    stateLabel: STATE_LABELS[state],
    payment: PAYMENT_LABELS[d.status],
    mailState,
    mailLabel: MAIL_LABELS[mailState],
    mailError: invoiceMail?.status === 'failed' ? invoiceMail.lastError : null,
    isVoid: d.status === 'void',
    voidReason: d.voidReason,
    isHeld: state === 'held',
    reviewNote: d.reviewNote,
    canApprove: state === 'pending' || state === 'held',
    canHold: state !== 'void' && state !== 'held',
    canVoid: state !== 'void' && d.paidAmount === 0,
    replaces: d.replaces,
    replacedBy: d.replacedBy,
    flags: ctx.flags,
    hasFlags: ctx.flags.length > 0,
    lines: d.lines.map((l) => ({
      product: l.product,
      operator: l.operator,
      messages: parts(l.messages),
      parts: parts(l.parts),
      unitPrice: l.unitPrice === null ? '—' : rupiah(l.unitPrice),
      amount: rupiah(l.amount),
    })),
    history: [...d.history].reverse().map((h) => ({
      at: wibTime(h.at),
      label: eventLabel(h.event),
      event: h.event,
      actor: h.actor,
      detail: h.detail,
    })),
    // R17: the faktur number once imported from Coretax; until then the page says it is not there yet.
    fakturNumber: d.fakturNumber
      ? { number: d.fakturNumber.number, date: shortDate(d.fakturNumber.date) }
      : null,
    hasPdf: d.pdf !== null,
    hasDetail: d.detailCsv !== null,
    detailName: d.detailCsv?.endsWith('.gz') ? 'CSV (gzip)' : 'CSV',
    csrf: ctx.csrf,
  };
}
