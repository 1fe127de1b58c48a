// Money is a whole number of rupiah, end to end (DESIGN §3, R6): a JS number that is a safe integer,
// never a fraction. Products are computed in BigInt so they cannot silently lose precision above 2^53.

export type Rupiah = number;

/** Returns n as Rupiah, or throws naming `what` when n is not a whole, safe-integer amount. */
export function assertRupiah(n: number, what: string): Rupiah {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${what} must be a whole number of rupiah (a safe integer), got ${n}.`);
  }
  return n;
}

/** Converts a BigInt amount back to Rupiah, throwing naming `what` when it is beyond the safe-integer range. */
export function rupiahFromBigInt(n: bigint, what: string): Rupiah {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} (${n} rupiah) is too large to be handled exactly.`);
  }
  return Number(n);
}

/** unitPrice × quantity, exact (BigInt inside); e.g. multiplyRupiah(340, 1000, 'amount') === 340000. */
export function multiplyRupiah(unitPrice: Rupiah, quantity: number, what: string): Rupiah {
  assertRupiah(unitPrice, `${what}: unit price`);
  if (!Number.isSafeInteger(quantity))
    throw new RangeError(`${what}: quantity must be a whole number, got ${quantity}.`);
  return rupiahFromBigInt(BigInt(unitPrice) * BigInt(quantity), what);
}

/** How a division to whole rupiah rounds: 'floor' (PPN before 22 May 2025) or 'half_up' (0,50 and more up). */
export type RoundingMode = 'floor' | 'half_up';

export const ROUNDING_MODES: ReadonlyArray<RoundingMode> = ['floor', 'half_up'];

/**
 * The one rounding of tagih (R6): numerator / denominator to a whole number, exact in BigInt, for a numerator
 * >= 0 and a denominator > 0. divideRounded(641025n, 2n, 'half_up') === 320513n; with 'floor', 320512n.
 */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (numerator < 0n || denominator <= 0n) {
    throw new RangeError(
      `Cannot round ${numerator} / ${denominator}: only amounts >= 0 over a positive divisor.`,
    );
  }
  // BigInt division truncates, which is floor for values >= 0.
  return mode === 'floor' ? numerator / denominator : (2n * numerator + denominator) / (2n * denominator);
}

/** '1.234.567' — Indonesian thousands separators, for whole numbers (amounts, part counts). */
export function formatNumberId(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Cannot format ${n}: only whole numbers are shown.`);
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += '.';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** 'Rp 1.234.567' (plain space, for PDFs and mail alike); negative amounts as '-Rp 1.234'. */
export function formatRupiah(n: Rupiah): string {
  assertRupiah(n, 'Amount to format');
  const body = `Rp ${formatNumberId(Math.abs(n))}`;
  return n < 0 ? `-${body}` : body;
}

const PLAIN = /^\d+$/;
const GROUPED = /^\d{1,3}(?:\.\d{3})+$/;
const CURRENCY_PREFIX = /^(?:rp\.?|idr)\s*/i;

/**
 * Reads an amount typed by finance: '10000000', '10.000.000', 'Rp 10.000.000', 'Rp. 10.000.000,-'.
 * Returns null for decimals ('10000,50'), negatives, misplaced dots ('1.00.000') or anything else.
 */
export function parseRupiah(s: string): Rupiah | null {
  let text = s.trim().replace(CURRENCY_PREFIX, '');
  // The terms write whole amounts as 'Rp. 10.000.000,-': the ',-' says "no cents".
  if (text.endsWith(',-')) text = text.slice(0, -2);
  let digits: string;
  if (PLAIN.test(text)) digits = text;
  else if (GROUPED.test(text)) digits = text.replaceAll('.', '');
  else return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}
