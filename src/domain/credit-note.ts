// R16: a credit note (Nota Kredit) against one invoice, as pure rules: its number, what it credits (whole lines,
// parts of lines at the invoice's prices, or an amount) and its own PPN by R6 from the credited subtotal.
import { multiplyRupiah, type Rupiah } from './money.ts';
import { dppHundredths, type TaxRule, taxFor } from './tax.ts';

/** R16: CN/YYYY/MM/NNNNN — credit date's year and month, then the year's gapless sequence (as R7's invoices). */
export function creditNoteNumber(creditDate: string, sequence: number): string {
  return `CN/${creditDate.slice(0, 4)}/${creditDate.slice(5, 7)}/${String(sequence).padStart(5, '0')}`;
}

export interface InvoiceLineToCredit {
  readonly product: string;
  readonly operator: string;
  readonly parts: number;
  readonly unitPrice: Rupiah | null;
  readonly amount: Rupiah;
}

/** What finance asks to credit on a line: all of it (parts undefined) or some parts at the line's unit price. */
export interface LineRequest {
  readonly product: string;
  readonly operator: string;
  readonly parts?: number;
}

export interface CreditedLine {
  readonly product: string;
  readonly operator: string;
  readonly parts: number;
  readonly unitPrice: Rupiah | null;
  readonly amount: Rupiah;
}

/** The invoice's figures a new credit note is checked against (what earlier credit notes left). */
export interface CreditableInvoice {
  readonly number: string;
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  readonly creditedSubtotal: Rupiah;
  readonly creditedTotal: Rupiah;
}

export interface CreditNoteAmounts {
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  readonly total: Rupiah;
  readonly taxLabel: string;
  readonly dppHundredths: number;
}

/** A request that cannot become a credit note; the message says what to do. */
export class CreditNoteRefused extends Error {
  override readonly name = 'CreditNoteRefused';
}

/** R16: the credited lines, each at most its invoice line; parts at the line's own unit price (the invoice's). */
export function creditedLines(
  invoiceNumber: string,
  lines: ReadonlyArray<InvoiceLineToCredit>,
  requests: ReadonlyArray<LineRequest>,
): ReadonlyArray<CreditedLine> {
  if (requests.length === 0) throw new CreditNoteRefused('Name at least one line to credit.');
  const seen = new Set<string>();
  return requests.map((request) => {
    const key = `${request.product}/${request.operator}`;
    if (seen.has(key)) throw new CreditNoteRefused(`Line ${key} is named twice; name each line once.`);
    seen.add(key);
    const line = lines.find((l) => l.product === request.product && l.operator === request.operator);
    if (!line) {
      const known = lines.map((l) => `${l.product}/${l.operator}`).join(', ');
      throw new CreditNoteRefused(`${invoiceNumber} has no line ${key}; its lines are ${known}.`);
    }
    if (request.parts === undefined) return { ...line };
    if (!Number.isSafeInteger(request.parts) || request.parts <= 0 || request.parts > line.parts) {
      throw new CreditNoteRefused(
        `Line ${key} of ${invoiceNumber} has ${line.parts} parts; credit between 1 and ${line.parts}, not ${request.parts}.`,
      );
    }
    if (line.unitPrice === null) {
      throw new CreditNoteRefused(
        `Line ${key} of ${invoiceNumber} has no single unit price (graduated); credit it whole or by --amount.`,
      );
    }
    const amount = multiplyRupiah(line.unitPrice, request.parts, `credit of ${key}`);
    return { ...line, parts: request.parts, amount };
  });
}

/**
 * R16 with R6: PPN of the credited subtotal by the rule in force on the credit date. Crediting the whole of what is
 * left takes the tax that is left, so a full credit reverses the invoice's PPN to the rupiah even when rounding or
 * the rule changed since (PER-11 rounds each document; a sum of parts could pass the invoice's PPN by a rupiah).
 */
export function creditNoteAmounts(
  invoice: CreditableInvoice,
  subtotal: Rupiah,
  rule: TaxRule,
): CreditNoteAmounts {
  const leftSubtotal = invoice.subtotal - invoice.creditedSubtotal;
  const leftTotal = invoice.subtotal + invoice.tax - invoice.creditedTotal;
  if (!Number.isSafeInteger(subtotal) || subtotal <= 0) {
    throw new CreditNoteRefused(`A credit note credits a positive whole rupiah subtotal, not ${subtotal}.`);
  }
  if (subtotal > leftSubtotal) {
    throw new CreditNoteRefused(
      `${invoice.number} has only Rp ${leftSubtotal} of its subtotal left to credit (before PPN); ${subtotal} is more.`,
    );
  }
  const leftTax = leftTotal - leftSubtotal;
  const tax = subtotal === leftSubtotal ? leftTax : Math.min(taxFor(subtotal, rule), leftTax);
  return {
    subtotal,
    tax,
    total: subtotal + tax,
    taxLabel: rule.label,
    dppHundredths: dppHundredths(subtotal, rule),
  };
}
