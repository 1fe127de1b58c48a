import type { InvoicePdfData } from './invoice-pdf-data.ts';

/** R16: everything the credit note PDF shows, as plain values (amounts whole rupiah, dates 'YYYY-MM-DD'). */
export interface CreditNotePdfData {
  readonly seller: InvoicePdfData['seller'];
  readonly buyer: InvoicePdfData['buyer'];
  /** 'CN/2026/12/00001' */
  readonly number: string;
  readonly date: string;
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly kind: 'lines' | 'amount' | 'void';
  readonly reason: string;
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly parts: number;
    readonly unitPrice: number | null;
    readonly amount: number;
  }>;
  readonly subtotal: number;
  readonly tax: { readonly label: string; readonly dppHundredths: number | null; readonly amount: number };
  readonly total: number;
  readonly reducedOpen: number;
  readonly toCredit: number;
}
