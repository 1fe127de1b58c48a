// R12: reading a bank-mutation export (rekening koran) — pure: text in, rows out.
import { parse } from 'csv-parse/sync';
import { isIsoDate } from '../../domain/dates.ts';
import type { Rupiah } from '../../domain/money.ts';

export interface BankMutation {
  /** 1-based line of the file. */
  readonly line: number;
  readonly date: string;
  readonly amount: Rupiah;
  readonly description: string;
  /** The invoice number the description names, normalised to INV/YYYY/MM/NNNNN. */
  readonly invoiceNumber: string | null;
  /** Why the row cannot be matched to one invoice (then it is reported, never guessed). */
  readonly problem: string | null;
}

export class BankFileError extends Error {
  override readonly name = 'BankFileError';
}

const DATE_COLUMNS = ['date', 'tanggal', 'tgl', 'tanggal transaksi', 'transaction date', 'value date'];
const AMOUNT_COLUMNS = ['amount', 'jumlah', 'nominal', 'kredit', 'credit', 'mutasi'];
const TEXT_COLUMNS = ['description', 'keterangan', 'reference', 'referensi', 'berita', 'remark', 'remarks'];
const TYPE_COLUMNS = ['type', 'jenis', 'db/cr', 'd/k', 'cr/db'];

// Bank descriptions lose or replace the slashes: 'INV/2026/11/00042', 'INV-2026-11-00042', 'INV 2026 11 00042'.
const INVOICE_NUMBER = /INV[\s/._-]*(\d{4})[\s/._-]*(\d{2})[\s/._-]*(\d{5})(?!\d)/gi;

/** Every distinct invoice number written in a bank description, normalised. */
export function invoiceNumbersIn(text: string): ReadonlyArray<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(INVOICE_NUMBER)) found.add(`INV/${m[1]}/${m[2]}/${m[3]}`);
  return [...found];
}

/** '2026-11-05', '05/11/2026' or '05-11-2026' (day first, as Indonesian banks write it) → 'YYYY-MM-DD'. */
export function bankDate(text: string): string | null {
  const t = text.trim();
  if (isIsoDate(t)) return t;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * A credited amount in whole rupiah: '1500000', '1.500.000', '1,500,000.00', '1.500.000,00', 'Rp 1.500.000',
 * '1,500,000.00 CR'. Null for cents other than 00, or anything else. A debit ('DB' / a minus) is returned
 * negative, for the caller to skip.
 */
export function bankAmount(text: string): Rupiah | null {
  let t = text.trim().replace(/^(?:rp\.?|idr)\s*/i, '');
  let sign = 1;
  const suffix = /\s*(CR|DB|K|D)$/i.exec(t);
  if (suffix) {
    if (/^(DB|D)$/i.test(suffix[1]!)) sign = -1;
    t = t.slice(0, suffix.index);
  }
  if (t.startsWith('-')) {
    sign = -1;
    t = t.slice(1);
  }
  let digits: string | null = null;
  if (/^\d+(?:[.,]00)?$/.test(t)) digits = t.replace(/[.,]00$/, '');
  else if (/^\d{1,3}(?:,\d{3})+(?:\.00)?$/.test(t)) digits = t.replace(/\.00$/, '').replaceAll(',', '');
  else if (/^\d{1,3}(?:\.\d{3})+(?:,00)?$/.test(t)) digits = t.replace(/,00$/, '').replaceAll('.', '');
  if (digits === null) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? sign * n : null;
}

function columnOf(header: ReadonlyArray<string>, names: ReadonlyArray<string>): number {
  return header.findIndex((h) => names.includes(h.trim().toLowerCase()));
}

/**
 * R12: the credit rows of a bank-mutation CSV (',' or ';' separated). The header — found among the first lines,
 * after any preamble the bank prints — needs a date, an amount and a description column (English or
 * Indonesian names); a type column (CR/DB) is optional. Debit rows are left out.
 */
export function parseBankMutations(text: string, source: string): ReadonlyArray<BankMutation> {
  const records = parse(text, {
    bom: true,
    delimiter: [',', ';'],
    relax_column_count: true,
    skip_empty_lines: false,
    trim: true,
  }) as string[][];
  const headerIndex = records
    .slice(0, 20)
    .findIndex(
      (r) =>
        columnOf(r, DATE_COLUMNS) >= 0 && columnOf(r, AMOUNT_COLUMNS) >= 0 && columnOf(r, TEXT_COLUMNS) >= 0,
    );
  if (headerIndex < 0) {
    throw new BankFileError(
      `${source}: no header with a date, an amount and a description column found in the first 20 lines; expected e.g. 'date,amount,description'.`,
    );
  }
  const header = records[headerIndex]!;
  const at = { date: columnOf(header, DATE_COLUMNS), amount: columnOf(header, AMOUNT_COLUMNS) };
  const textColumn = columnOf(header, TEXT_COLUMNS);
  const typeColumn = columnOf(header, TYPE_COLUMNS);
  const mutations: BankMutation[] = [];
  for (const [i, record] of records.entries()) {
    if (i <= headerIndex || record.every((f) => f === '')) continue;
    const line = i + 1;
    const description = record[textColumn] ?? '';
    const date = bankDate(record[at.date] ?? '');
    let amount = bankAmount(record[at.amount] ?? '');
    if (amount !== null && typeColumn >= 0 && /^(DB|D|DEBIT)$/i.test(record[typeColumn] ?? ''))
      amount = -amount;
    if (amount !== null && amount < 0) continue; // money going out: not a payment
    const numbers = invoiceNumbersIn(description);
    let problem: string | null = null;
    if (date === null) problem = `date '${record[at.date] ?? ''}' is not a date (YYYY-MM-DD or DD/MM/YYYY)`;
    else if (amount === null || amount === 0)
      problem = `amount '${record[at.amount] ?? ''}' is not a whole rupiah amount`;
    else if (numbers.length === 0) problem = 'no invoice number (INV/YYYY/MM/NNNNN) in the description';
    else if (numbers.length > 1)
      problem = `the description names ${numbers.length} invoices (${numbers.join(', ')}); split it by hand with 'payments record'`;
    mutations.push({
      line,
      date: date ?? '',
      amount: amount ?? 0,
      description,
      invoiceNumber: numbers.length === 1 ? numbers[0]! : null,
      problem,
    });
  }
  return mutations;
}
