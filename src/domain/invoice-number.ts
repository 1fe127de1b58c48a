// R7: invoice numbering, pure; the gapless sequence itself is a locked counter row (billing/invoicing).

/** R7: INV/YYYY/MM/NNNNN — issue year and month, then the year's gapless sequence. */
export function invoiceNumber(invoiceDate: string, sequence: number): string {
  return `INV/${invoiceDate.slice(0, 4)}/${invoiceDate.slice(5, 7)}/${String(sequence).padStart(5, '0')}`;
}
