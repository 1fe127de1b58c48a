// R17: the list of output tax invoices that Coretax gives back, in either of the forms accepted:
// - Coretax's own export of the e-Faktur "Pajak Keluaran" grid (columns as Coretax names them, among others:
//   RecordId, TaxInvoiceCode, TaxInvoiceNumber, TaxInvoiceDate, TaxInvoicePeriod, TaxInvoiceYear,
//   TaxInvoiceStatus, BuyerTIN, BuyerName, SellingPrice, OtherTaxBase, VAT, Reference, …), or its
//   Indonesian column titles (Nomor Faktur Pajak, Tanggal Faktur Pajak, Status Faktur, Referensi);
// - a plain CSV with the header reference,tax_invoice_number,date.
import { isIsoDate } from '../domain/dates.ts';

export interface FakturNumberRow {
  /** Row in the file, the header being row 1. */
  readonly row: number;
  readonly reference: string;
  readonly fakturNumber: string;
  readonly date: string;
}

export type ParsedRows =
  | {
      readonly ok: true;
      readonly form: 'coretax' | 'plain';
      readonly rows: ReadonlyArray<FakturNumberRow>;
      readonly refused: ReadonlyArray<{
        readonly row: number;
        readonly reference: string;
        readonly reason: string;
      }>;
    }
  | { readonly ok: false; readonly problem: string };

const key = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '');

const COLUMNS = {
  reference: ['reference', 'referensi'],
  number: ['taxinvoicenumber', 'nomorfakturpajak', 'nomorfaktur'],
  date: ['date', 'taxinvoicedate', 'tanggalfakturpajak', 'tanggalfaktur'],
  status: ['taxinvoicestatus', 'statusfaktur'],
} as const;

function columnOf(header: ReadonlyArray<string>, names: ReadonlyArray<string>): number {
  return header.findIndex((h) => names.includes(key(h)));
}

/** 'YYYY-MM-DD', 'YYYY-MM-DDThh:mm…' or 'DD/MM/YYYY' (also with '-') → 'YYYY-MM-DD', else null. */
export function fakturDateOf(raw: string): string | null {
  const text = raw.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(text);
  if (iso && isIsoDate(iso[1]!)) return iso[1]!;
  const dmy = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(text);
  if (dmy) {
    const date = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
    if (isIsoDate(date)) return date;
  }
  return null;
}

/** Coretax numbers faktur with 17 digits (PER-11/PJ/2025: transaction code, status, serial); dots may separate. */
export function fakturNumberOf(raw: string): string | null {
  const digits = raw.trim().replace(/[\s.-]/g, '');
  return /^\d{17}$/.test(digits) ? digits : null;
}

/** Reads the records of a CSV (header first) into faktur-number rows, refusing each bad row with its reason. */
export function parseFakturNumberRows(records: ReadonlyArray<ReadonlyArray<string>>): ParsedRows {
  const [header, ...body] = records;
  if (!header) return { ok: false, problem: 'the file is empty' };
  const ref = columnOf(header, COLUMNS.reference);
  const num = columnOf(header, COLUMNS.number);
  const date = columnOf(header, COLUMNS.date);
  const status = columnOf(header, COLUMNS.status);
  if (ref < 0 || num < 0 || date < 0) {
    return {
      ok: false,
      problem: `the header names no ${[ref < 0 ? 'reference' : '', num < 0 ? 'faktur number' : '', date < 0 ? 'date' : ''].filter(Boolean).join(', ')} column; expected reference,tax_invoice_number,date or Coretax's export (Reference, TaxInvoiceNumber, TaxInvoiceDate, TaxInvoiceStatus)`,
    };
  }
  const rows: FakturNumberRow[] = [];
  const refused: Array<{ row: number; reference: string; reason: string }> = [];
  body.forEach((cells, i) => {
    const row = i + 2;
    const reference = (cells[ref] ?? '').trim();
    const numberRaw = (cells[num] ?? '').trim();
    const state = status >= 0 ? (cells[status] ?? '').trim().toUpperCase() : 'APPROVED';
    if (cells.every((c) => c.trim() === '')) return;
    const reasons: string[] = [];
    if (reference === '') reasons.push('no reference (the invoice number)');
    if (state !== 'APPROVED')
      reasons.push(
        `status ${state || '(empty)'}: only APPROVED faktur are stored; import again once Coretax approved it`,
      );
    const fakturNumber = fakturNumberOf(numberRaw);
    if (state === 'APPROVED' && fakturNumber === null)
      reasons.push(`faktur number '${numberRaw}' is not 17 digits (e.g. 04002600000000123)`);
    const day = fakturDateOf(cells[date] ?? '');
    if (state === 'APPROVED' && day === null)
      reasons.push(`date '${(cells[date] ?? '').trim()}' is not a date; expected YYYY-MM-DD or DD/MM/YYYY`);
    if (reasons.length > 0) refused.push({ row, reference, reason: reasons.join('; ') });
    else rows.push({ row, reference, fakturNumber: fakturNumber!, date: day! });
  });
  return { ok: true, form: key(header[date] ?? '') === 'date' ? 'plain' : 'coretax', rows, refused };
}
