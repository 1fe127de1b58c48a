// R4: phone numbers and operators. normaliseNumber runs once per ingested message: one pass, no regex.
import { type CsvRow, field, readCsvWithHeader } from './csv-rows.ts';

export type Operator = 'telkomsel' | 'indosat' | 'three' | 'xl' | 'smartfren' | 'other';

/** R4: every operator, in invoice order; 'other' (unknown prefixes, foreign numbers) last. */
export const OPERATORS: ReadonlyArray<Operator> = [
  'telkomsel',
  'indosat',
  'three',
  'xl',
  'smartfren',
  'other',
];

export const OPERATOR_LABELS: Readonly<Record<Operator, string>> = {
  telkomsel: 'Telkomsel',
  indosat: 'Indosat',
  three: 'Tri (3)',
  xl: 'XL/AXIS',
  smartfren: 'Smartfren',
  other: 'Lainnya/Other',
};

export function isOperator(s: string): s is Operator {
  return (OPERATORS as ReadonlyArray<string>).includes(s);
}

/** R4: operator by the 3 digits after the country code 62, e.g. '812' → 'telkomsel'. */
export type PrefixTable = ReadonlyMap<string, Operator>;

/** R4: reads migrations/data/operator-prefixes.csv (header 'prefix,operator'); throws naming the bad line. */
export function parsePrefixTable(csv: string, source = 'operator prefix table'): PrefixTable {
  const table = new Map<string, Operator>();
  const firstLine = new Map<string, number>();
  for (const row of readCsvWithHeader(csv, ['prefix', 'operator'], source)) {
    const prefix = field(row, 0);
    const operator = field(row, 1);
    if (!/^\d{3}$/.test(prefix))
      fail(source, row, `prefix '${prefix}' must be the 3 digits after 62, e.g. 812`);
    if (!isOperator(operator))
      fail(source, row, `operator '${operator}' must be one of ${OPERATORS.join(', ')}`);
    const seen = firstLine.get(prefix);
    if (seen !== undefined) fail(source, row, `prefix ${prefix} is already listed on line ${seen}`);
    table.set(prefix, operator);
    firstLine.set(prefix, row.line);
  }
  return table;
}

function fail(source: string, row: CsvRow, reason: string): never {
  throw new Error(`${source} line ${row.line}: ${reason}.`);
}

const MIN_DIGITS = 8;
const MAX_DIGITS = 15; // E.164

function isSeparator(unit: number): boolean {
  // space, tab, CR, LF, no-break space, '-', '.', '(', ')'
  return (
    unit === 32 ||
    unit === 9 ||
    unit === 13 ||
    unit === 10 ||
    unit === 160 ||
    unit === 45 ||
    unit === 46 ||
    unit === 40 ||
    unit === 41
  );
}

/**
 * R4: a number as E.164 digits without '+', Indonesian numbers as '62…'.
 * '0812-3456-7890', '6281234567890', '+62 812 3456 7890', '(+62) 812…', '0062812…' → '6281234567890';
 * a stray trunk 0 after the country code is dropped ('+620812…' → '62812…'); foreign numbers written
 * with '+' or '00' keep their digits ('+65 9123 4567' → '6591234567').
 * Decision: digits starting with 8 and no prefix ('81234567890') are an Indonesian mobile whose 0 was
 * left off (web forms often put +62 in a separate field) → '6281234567890'. Other digits without '+',
 * '00' or '0' are taken as already international ('6591234567').
 * Returns null for letters or other symbols, a misplaced '+', or fewer than 8 / more than 15 digits.
 */
export function normaliseNumber(raw: string): string | null {
  let digits = '';
  let plus = false;
  for (let i = 0; i < raw.length; i++) {
    const unit = raw.charCodeAt(i);
    if (unit >= 48 && unit <= 57) digits += raw[i];
    else if (unit === 43 && !plus && digits === '') plus = true;
    else if (!isSeparator(unit)) return null;
  }
  let international = plus;
  if (digits.startsWith('00')) {
    // '00' is the international call prefix dialled from Indonesia: '0062…', '0065…'.
    digits = digits.slice(2);
    international = true;
  }
  if (digits.startsWith('0')) {
    // Trunk 0 of a national number; no country code starts with 0, so '+0812…' is one too.
    digits = `62${digits.slice(1)}`;
  } else if (!international && digits.startsWith('8')) {
    digits = `62${digits}`;
  }
  while (digits.startsWith('620')) digits = `62${digits.slice(3)}`;
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS ? digits : null;
}

/** R4: operator of a normalised number: by prefix for 62 numbers, 'other' for unknown prefixes and abroad. */
export function operatorOf(normalised: string, prefixes: PrefixTable): Operator {
  if (normalised.length < 5 || !normalised.startsWith('62')) return 'other';
  return prefixes.get(normalised.slice(2, 5)) ?? 'other';
}
