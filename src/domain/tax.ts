// R6: PPN (VAT). Tax rules are effective-dated data keyed on the invoice date (migrations/data/tax-rules.csv).
import { isoDateToDays, pad2 } from './civil-days.ts';
import { type CsvRow, field, readCsvWithHeader } from './csv-rows.ts';
import { assertRupiah, formatNumberId, type Rupiah, rupiahFromBigInt } from './money.ts';

export interface TaxRule {
  /** First invoice date the rule applies to, 'YYYY-MM-DD'. */
  readonly effectiveFrom: string;
  /** As printed on the invoice, e.g. 'PPN 12%'. */
  readonly label: string;
  readonly ratePercent: number;
  /** DPP (tax base) = subtotal × dppNumerator / dppDenominator; 11/12 is "DPP Nilai Lain" (PMK 131/2024). */
  readonly dppNumerator: number;
  readonly dppDenominator: number;
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
 * R6: PPN = floor(subtotal × dppNumerator × rate / (dppDenominator × 100)), exact in BigInt, straight from
 * the subtotal. From 2025 (12% of 11/12) this is floor(subtotal × 11 / 100). Rounding the DPP first can be
 * 1 rupiah off: subtotal 1.238.000 → DPP 1.134.833,33 → 12% = 136.179,99…, but the PPN is 136.180.
 */
export function taxFor(subtotal: Rupiah, rule: TaxRule): Rupiah {
  const numerator = requireSubtotal(subtotal) * BigInt(rule.dppNumerator) * BigInt(rule.ratePercent);
  const denominator = BigInt(rule.dppDenominator) * 100n;
  return rupiahFromBigInt(numerator / denominator, `PPN on ${subtotal}`); // BigInt division floors for >= 0
}

/** R6: DPP Nilai Lain in hundredths of a rupiah, rounded half up (shown with 2 decimals on the invoice). */
export function dppHundredths(subtotal: Rupiah, rule: TaxRule): number {
  const numerator = requireSubtotal(subtotal) * BigInt(rule.dppNumerator) * 100n;
  const denominator = BigInt(rule.dppDenominator);
  return rupiahFromBigInt((2n * numerator + denominator) / (2n * denominator), `DPP of ${subtotal}`);
}

/** Hundredths as an Indonesian decimal: formatDpp(113483333) === '1.134.833,33'. */
export function formatDpp(hundredths: number): string {
  assertRupiah(hundredths, 'DPP in hundredths');
  const abs = Math.abs(hundredths);
  const cents = abs % 100;
  const text = `${formatNumberId((abs - cents) / 100)},${pad2(cents)}`;
  return hundredths < 0 ? `-${text}` : text;
}

/** R6: reads migrations/data/tax-rules.csv; returns the rules sorted by effectiveFrom. */
export function parseTaxRulesCsv(csv: string, source = 'tax rules'): ReadonlyArray<TaxRule> {
  const header = ['effective_from', 'label', 'rate_percent', 'dpp_numerator', 'dpp_denominator'];
  const rules: TaxRule[] = [];
  for (const row of readCsvWithHeader(csv, header, source)) {
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
    rules.push({ effectiveFrom, label, ratePercent, dppNumerator, dppDenominator });
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
