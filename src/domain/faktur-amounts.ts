// R6/R17: the figures of a Faktur Pajak (Coretax GoodService lines) from an invoice's stored amounts.
// Pure and exact: BigInt inside, whole rupiah out.
import { assertRupiah, type Rupiah, rupiahFromBigInt } from './money.ts';
import { type TaxRule, taxFor, wholeDppFor } from './tax.ts';

export interface FakturFigures {
  /** DPP Nilai Lain in whole rupiah (OtherTaxBase); under PPN 11 % the subtotal itself. */
  readonly dpp: Rupiah;
  /** The PPN R6 gives for this subtotal under its rule. */
  readonly ppn: Rupiah;
}

/**
 * R6/R17: DPP and PPN of a subtotal under the tax rule in force on the invoice date, from the one home of R6
 * (src/domain/tax.ts): from 22 May 2025 349 650 → DPP 320 513, PPN 38 462.
 */
export function fakturFiguresFor(subtotal: Rupiah, rule: TaxRule): FakturFigures {
  return { dpp: wholeDppFor(subtotal, rule), ppn: taxFor(subtotal, rule) };
}

/**
 * Splits `total` into whole parts proportional to `weights` so that they add up to `total` exactly (largest
 * remainder: each part gets the floor of its share, and the rupiah left over go one each to the parts with
 * the largest fractions, the earlier part first on a tie). allocateLargestRemainder(10, [1, 1, 1]) → [4, 3, 3].
 */
export function allocateLargestRemainder(total: Rupiah, weights: ReadonlyArray<number>): Rupiah[] {
  assertRupiah(total, 'Amount to allocate');
  if (total < 0) throw new RangeError(`Cannot allocate a negative amount (${total}).`);
  for (const w of weights) assertRupiah(w, 'Allocation weight');
  if (weights.some((w) => w < 0)) throw new RangeError('Allocation weights must not be negative.');
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (sum === 0n) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError(`Cannot allocate ${total} over lines that are all zero.`);
  }
  const t = BigInt(total);
  const floors = weights.map((w) => (t * BigInt(w)) / sum);
  const fractions = weights.map((w, i) => ({ i, rest: (t * BigInt(w)) % sum }));
  let left = t - floors.reduce((a, f) => a + f, 0n);
  fractions.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of fractions) {
    if (left === 0n) break;
    floors[i] = floors[i]! + 1n;
    left -= 1n;
  }
  return floors.map((f) => rupiahFromBigInt(f, 'Allocated amount'));
}

/** An invoice line as stored (R7): parts at a unit price, or (graduated contracts) an amount only. */
export interface StoredLine {
  readonly parts: number;
  readonly unitPrice: Rupiah | null;
  readonly amount: Rupiah;
}

/** One GoodService of the Faktur Pajak. */
export interface FakturLine {
  readonly price: Rupiah;
  readonly qty: number;
  /** Harga Jual / Penggantian of the line: the line amount. */
  readonly taxBase: Rupiah;
  /** DPP Nilai Lain share of the line. */
  readonly otherTaxBase: Rupiah;
  readonly vat: Rupiah;
}

/**
 * R6/R17: GoodService figures for an invoice's lines. TaxBase = the stored line amount (Σ = subtotal);
 * OtherTaxBase shares the invoice's DPP over the lines by amount and VAT shares the invoice's stored PPN over
 * the lines by OtherTaxBase, both by largest remainder, so Σ OtherTaxBase = DPP and Σ VAT = the stored PPN to
 * the rupiah. Price × Qty = TaxBase: parts at the unit price, or the amount once when the line has no single
 * unit price (graduated mode) or its amount is not parts × price.
 */
export function fakturLinesFor(
  lines: ReadonlyArray<StoredLine>,
  dpp: Rupiah,
  storedPpn: Rupiah,
): FakturLine[] {
  const amounts = lines.map((l) => l.amount);
  const otherTaxBases = allocateLargestRemainder(dpp, amounts);
  const vats = allocateLargestRemainder(storedPpn, otherTaxBases);
  return lines.map((line, i) => {
    const byParts =
      line.unitPrice !== null && BigInt(line.unitPrice) * BigInt(line.parts) === BigInt(line.amount);
    return {
      price: byParts ? line.unitPrice! : line.amount,
      qty: byParts ? line.parts : 1,
      taxBase: line.amount,
      otherTaxBase: otherTaxBases[i]!,
      vat: vats[i]!,
    };
  });
}
