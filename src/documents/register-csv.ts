import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './write-atomic.ts';

export const REGISTER_COLUMNS = [
  'invoice_number',
  'customer_code',
  'customer_name',
  'period',
  'invoice_date',
  'due_date',
  'messages',
  'parts',
  'subtotal',
  'tax',
  'total',
  'status',
  'pdf',
  'detail_csv',
  // R16: added at the end, so DESIGN §2's header stays a prefix.
  'credited',
  'open',
] as const;

export type RegisterRow = Readonly<Record<(typeof REGISTER_COLUMNS)[number], string | number>>;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function spreadsheetSafe(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function registerCsv(rows: ReadonlyArray<RegisterRow>): string {
  return stringify(
    rows.map((r) => REGISTER_COLUMNS.map((c) => spreadsheetSafe(r[c]))),
    { header: true, columns: [...REGISTER_COLUMNS], record_delimiter: '\n' },
  );
}

export async function writeRegister(file: string, rows: ReadonlyArray<RegisterRow>): Promise<void> {
  await writeFileAtomic(file, registerCsv(rows));
}
