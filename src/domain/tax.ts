// R6: PPN (VAT). Tax rules are effective-dated data keyed on the invoice date (migrations/data/tax-rules.csv).
import { isoDateToDays, pad2 } from './civil-days.ts';
import { type CsvRow, field, readCsvWithHeader } from './csv-rows.ts';
import {
  assertRupiah,
  divideRounded,
  formatNumberId,
  ROUNDING_MODES,
  type RoundingMode,
  type Rupiah,
  rupiahFromBigInt,
} from './money.ts';

export interface TaxRule {
  /** First invoice date the rule applies to, 'YYYY-MM-DD'. */
  readonly effectiveFrom: string;
  /** As printed on the invoice, e.g. 'PPN 12%'. */
  readonly label: string;
  readonly ratePercent: number;
  /** DPP (tax base) = subtotal × dppNumerator / dppDenominator; 11/12 is "DPP Nilai Lain" (PMK 131/2024). */
  readonly dppNumerator: number;
  readonly dppDenominator: number;
  /** How the PPN (and, when roundDppFirst, the DPP) is rounded to whole rupiah. */
  readonly rounding: RoundingMode;
  /** PER-11/PJ/2025 art. 129: the DPP is rounded to whole rupiah first and the PPN computed from it. */
  readonly roundDppFirst: boolean;
}

/** R6: the rule in force on invoiceDate (latest effectiveFrom <= invoiceDate), or undefined before the first. */
export function taxRuleFor(rules: ReadonlyArray<TaxRule>, invoiceDate: string): TaxRule | undefined {
  if (isoDateToDays(invoiceDate) === null) {
    throw new RangeError(`Invoice date '${invoiceDate}' is not a valid date; expected YYYY-MM-DD.`);
  }
  let found: TaxRule | undefined;
  for (const rule of rules) {
    // ISO dates compare correctly as strings.
    if (
      rule.effectiveFrom <= invoiceDate &&
      (found === undefined || rule.effectiveFrom > found.effectiveFrom)
    ) {
      found = rule;
    }
  }
  return found;
}

function requireSubtotal(subtotal: Rupiah): bigint {
  assertRupiah(subtotal, 'Subtotal');
  if (subtotal < 0)
    throw new RangeError(`Subtotal ${subtotal} is negative; tax is computed for invoices only.`);
  return BigInt(subtotal);
}

/**
 * R6: the DPP Nilai Lain in whole rupiah when the rule rounds it first (from 22 May 2025:
 * roundHalfUp(subtotal × 11 / 12)); null when the rule keeps the exact DPP (earlier rules).
 * dppFor(349_650, per11) === 320_513.
 */
export function dppFor(subtotal: Rupiah, rule: TaxRule): Rupiah | null {
  if (!rule.roundDppFirst) return null;
  const dpp = divideRounded(
    requireSubtotal(subtotal) * BigInt(rule.dppNumerator),
    BigInt(rule.dppDenominator),
    rule.rounding,
  );
  return rupiahFromBigInt(dpp, `DPP of ${subtotal}`);
}

/**
 * R6: the PPN of a subtotal under its rule, exact in BigInt, rounded by the rule's mode. A rule that rounds the DPP
 * first computes the PPN from the rounded DPP (349.650 → DPP 320.513 → PPN 38.462); otherwise straight from the
 * subtotal (PPN 12 % of 11/12 before 22 May 2025: floor(subtotal × 11 / 100) = 38.461).
 */
export function taxFor(subtotal: Rupiah, rule: TaxRule): Rupiah {
  const rate = BigInt(rule.ratePercent);
  const dpp = dppFor(subtotal, rule);
  const tax =
    dpp === null
      ? divideRounded(
          requireSubtotal(subtotal) * BigInt(rule.dppNumerator) * rate,
          BigInt(rule.dppDenominator) * 100n,
          rule.rounding,
        )
      : divideRounded(BigInt(dpp) * rate, 100n, rule.rounding);
  return rupiahFromBigInt(tax, `PPN on ${subtotal}`);
}

/**
 * R6/R17: the DPP in whole rupiah as a Faktur Pajak carries it (Coretax OtherTaxBase): the rule's own rounded DPP
 * when it rounds the DPP first (from 22 May 2025), else the exact DPP rounded half up (1 January – 21 May 2025 the
 * invoice shows 11/12 with 2 decimals; under PPN 11 % the DPP is the subtotal itself).
 * wholeDppFor(349_650, per11) === 320_513.
 */
export function wholeDppFor(subtotal: Rupiah, rule: TaxRule): Rupiah {
  const rounded = dppFor(subtotal, rule);
  if (rounded !== null) return rounded;
  const dpp = divideRounded(
    requireSubtotal(subtotal) * BigInt(rule.dppNumerator),
    BigInt(rule.dppDenominator),
    'half_up',
  );
  return rupiahFromBigInt(dpp, `DPP of ${subtotal}`);
}

/** R6: DPP Nilai Lain in hundredths of a rupiah, rounded half up (shown with 2 decimals by rules before 22 May 2025). */
export function dppHundredths(subtotal: Rupiah, rule: TaxRule): number {
  const hundredths = divideRounded(
    requireSubtotal(subtotal) * BigInt(rule.dppNumerator) * 100n,
    BigInt(rule.dppDenominator),
    'half_up',
  );
  return rupiahFromBigInt(hundredths, `DPP of ${subtotal}`);
}

/** Hundredths as an Indonesian decimal: formatDpp(113483333) === '1.134.833,33'. */
export function formatDpp(hundredths: number): string {
  assertRupiah(hundredths, 'DPP in hundredths');
  const abs = Math.abs(hundredths);
  const cents = abs % 100;
  const text = `${formatNumberId((abs - cents) / 100)},${pad2(cents)}`;
  return hundredths < 0 ? `-${text}` : text;
}

const TAX_RULES_HEADER = [
  'effective_from',
  'label',
  'rate_percent',
  'dpp_numerator',
  'dpp_denominator',
  'rounding',
  'round_dpp_first',
];

/** R6: reads migrations/data/tax-rules.csv; returns the rules sorted by effectiveFrom. */
export function parseTaxRulesCsv(csv: string, source = 'tax rules'): ReadonlyArray<TaxRule> {
  const rules: TaxRule[] = [];
  for (const row of readCsvWithHeader(csv, TAX_RULES_HEADER, source)) {
    const effectiveFrom = field(row, 0);
    if (isoDateToDays(effectiveFrom) === null)
      fail(source, row, `effective_from '${effectiveFrom}' is not a YYYY-MM-DD date`);
    if (rules.some((rule) => rule.effectiveFrom === effectiveFrom)) {
      fail(source, row, `a rule for ${effectiveFrom} is already listed`);
    }
    const label = field(row, 1);
    if (label === '') fail(source, row, 'label is empty');
    const ratePercent = integer(row, 2, source, 'rate_percent', 0);
    if (ratePercent > 100) fail(source, row, `rate_percent ${ratePercent} is above 100`);
    const dppNumerator = integer(row, 3, source, 'dpp_numerator', 1);
    const dppDenominator = integer(row, 4, source, 'dpp_denominator', 1);
    const rounding = field(row, 5) as RoundingMode;
    if (!ROUNDING_MODES.includes(rounding))
      fail(source, row, `rounding '${field(row, 5)}' must be one of ${ROUNDING_MODES.join(', ')}`);
    const flag = field(row, 6);
    if (flag !== 'true' && flag !== 'false')
      fail(source, row, `round_dpp_first '${flag}' must be true or false`);
    const roundDppFirst = flag === 'true';
    rules.push({ effectiveFrom, label, ratePercent, dppNumerator, dppDenominator, rounding, roundDppFirst });
  }
  return rules.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
}

function integer(row: CsvRow, index: number, source: string, column: string, min: number): number {
  const text = field(row, index);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || !Number.isSafeInteger(n)) {
    fail(source, row, `${column} '${text}' must be a whole number >= ${min}`);
  }
  return n;
}

function fail(source: string, row: CsvRow, reason: string): never {
  throw new Error(`${source} line ${row.line}: ${reason}.`);
}
