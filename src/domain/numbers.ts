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

/** R4: the digit 0–9 of an ASCII, full-width (０–９) or Arabic-Indic digit, as libphonenumber reads them; else -1. */
function digitOf(unit: number): number {
  if (unit >= 48 && unit <= 57) return unit - 48;
  if (unit >= 0xff10 && unit <= 0xff19) return unit - 0xff10;
  if (unit >= 0x0660 && unit <= 0x0669) return unit - 0x0660;
  if (unit >= 0x06f0 && unit <= 0x06f9) return unit - 0x06f0;
  return -1;
}

/**
 * R4: what libphonenumber skips between digits (its VALID_PUNCTUATION and white space): every kind of dash
 * (‐ ‑ ‒ – — ― − ー －), slashes, dots, tildes, brackets and parentheses, half- and full-width, and spaces
 * including no-break, zero-width and ideographic ones.
 */
function isSeparator(unit: number): boolean {
  switch (unit) {
    case 9:
    case 10:
    case 13:
    case 32:
    case 40:
    case 41:
    case 45:
    case 46:
    case 47:
    case 91:
    case 93:
    case 126:
    case 0xa0:
    case 0xad:
    case 0x200b:
    case 0x2060:
    case 0x202f:
    case 0x2053:
    case 0x2212:
    case 0x223c:
    case 0x3000:
    case 0x30fc:
    case 0xfeff:
    case 0xff08:
    case 0xff09:
    case 0xff0d:
    case 0xff0f:
    case 0xff3b:
    case 0xff3d:
    case 0xff5e:
      return true;
    default:
      return (unit >= 0x2010 && unit <= 0x2015) || (unit >= 0x2000 && unit <= 0x200a);
  }
}

/** Where the number starts: after a 'tel:' URI scheme (RFC 3966), in any case. */
function numberStart(raw: string): number {
  return raw.length > 4 && raw.charCodeAt(3) === 58 && raw.slice(0, 3).toLowerCase() === 'tel' ? 4 : 0;
}

/**
 * R4: a number as E.164 digits without '+', Indonesian numbers as '62…', read as libphonenumber reads a number
 * dialled in Indonesia.
 * '0812-3456-7890', '6281234567890', '+62 812 3456 7890', '(+62) 812…', '0062812…', '008 62 812…',
 * '0812–3456–7890' (en dash), '０８１２３４５６７８９０' (full-width), 'tel:+62-812-3456-7890' → '6281234567890';
 * a stray trunk 0 after the country code is dropped ('+62 (0) 812…' → '62812…'); foreign numbers written
 * with '+' or '00' keep their digits ('+65 9123 4567' → '6591234567'). A 'tel:' URI's parameters (';ext=…') are
 * left out.
 * Decision: digits starting with 8 and no prefix ('81234567890') are an Indonesian mobile whose 0 was
 * left off (web forms often put +62 in a separate field) → '6281234567890'. Other digits without '+',
 * '00' or '0' are taken as already international ('6591234567').
 * Decision: '008' and '009' are Indonesia's international call prefixes (libphonenumber's 00[89]), and '00' is
 * one too (R4: '0062…'). '00862…' could be either China (00 86 2…) or 008 then 62: it is read as 008 62 when an
 * Indonesian mobile (8…) follows, as libphonenumber does, and as China otherwise (e.g. '0086 21…', Shanghai).
 * Returns null for letters or other symbols, a misplaced '+', or fewer than 8 / more than 15 digits.
 */
export function normaliseNumber(raw: string): string | null {
  let digits = '';
  let plus = false;
  const parameters = raw.indexOf(';');
  const end = parameters === -1 ? raw.length : parameters;
  for (let i = numberStart(raw); i < end; i++) {
    const unit = raw.charCodeAt(i);
    if (unit >= 48 && unit <= 57) digits += raw[i];
    else if (unit > 127 && digitOf(unit) >= 0) digits += String.fromCharCode(48 + digitOf(unit));
    else if ((unit === 43 || unit === 0xff0b) && !plus && digits === '') plus = true;
    else if (!isSeparator(unit)) return null;
    if (digits.length > MAX_DIGITS + 3) return null;
  }
  let international = plus;
  if (digits.startsWith('00')) {
    // The international call prefix dialled from Indonesia: '0062…', '0065…', '008 62…', '009 62…'.
    const idd = (digits[2] === '8' || digits[2] === '9') && digits.startsWith('628', 3) ? 3 : 2;
    digits = digits.slice(idd);
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
