import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertRupiah,
  formatNumberId,
  formatRupiah,
  multiplyRupiah,
  parseRupiah,
  rupiahFromBigInt,
} from '../../src/domain/money.ts';

describe('R6 money is whole rupiah', () => {
  it.each([[0], [1], [-1], [10_000_000], [Number.MAX_SAFE_INTEGER], [Number.MIN_SAFE_INTEGER]])(
    'R6: %i is an amount',
    (n) => {
      expect(assertRupiah(n, 'Deposit')).toBe(n);
    },
  );

  it.each([[0.5], [1.1], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53], [-(2 ** 53)]])(
    'R6: %d is not an amount, and the error names what it was',
    (n) => {
      expect(() => assertRupiah(n, 'Deposit of ACME')).toThrow(
        /^Deposit of ACME must be a whole number of rupiah/,
      );
    },
  );

  it.each([
    [340, 1000, 340_000],
    [0, 5, 0],
    [300, 30_000_000_000, 9_000_000_000_000],
  ])('R6: %i × %i is exactly %i', (price, quantity, amount) => {
    expect(multiplyRupiah(price, quantity, 'Amount')).toBe(amount);
  });

  it('R6: a product beyond 2^53 is an error, not a rounded float', () => {
    expect(() => multiplyRupiah(350, 2 ** 50, 'Amount for xl')).toThrow(
      /^Amount for xl \(\d+ rupiah\) is too large/,
    );
    expect(() => rupiahFromBigInt(2n ** 53n, 'Total')).toThrow(/Total/);
    expect(rupiahFromBigInt(2n ** 53n - 1n, 'Total')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('R6 formatting amounts (at the edge only)', () => {
  it.each([
    [0, 'Rp 0', '0'],
    [1, 'Rp 1', '1'],
    [999, 'Rp 999', '999'],
    [1000, 'Rp 1.000', '1.000'],
    [12_345, 'Rp 12.345', '12.345'],
    [100_000, 'Rp 100.000', '100.000'],
    [1_234_567, 'Rp 1.234.567', '1.234.567'],
    [10_000_000, 'Rp 10.000.000', '10.000.000'],
    [-1234, '-Rp 1.234', '-1.234'],
    [-5, '-Rp 5', '-5'],
    [Number.MAX_SAFE_INTEGER, 'Rp 9.007.199.254.740.991', '9.007.199.254.740.991'],
  ])('R6: %i is shown as %s', (n, rupiah, plain) => {
    expect(formatRupiah(n)).toBe(rupiah);
    expect(formatNumberId(n)).toBe(plain);
  });

  it('R6: the space after Rp is a plain space', () => {
    expect(formatRupiah(1000).charCodeAt(2)).toBe(32);
  });

  it.each([[1.5], [Number.NaN]])('R6: %d cannot be formatted', (n) => {
    expect(() => formatRupiah(n)).toThrow();
    expect(() => formatNumberId(n)).toThrow();
  });
});

describe('R6 reading amounts typed by finance', () => {
  it.each([
    ['10000000', 10_000_000],
    ['10.000.000', 10_000_000],
    ['Rp 10.000.000', 10_000_000],
    ['Rp10.000.000', 10_000_000],
    ['Rp. 10.000.000', 10_000_000],
    ['Rp. 10.000.000,-', 10_000_000],
    ['rp 500', 500],
    ['IDR 10000000', 10_000_000],
    ['  10.000.000  ', 10_000_000],
    ['0', 0],
    ['999', 999],
    ['1.000', 1000],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('R6: %j is %i rupiah', (text, n) => {
    expect(parseRupiah(text)).toBe(n);
  });

  it.each([
    ['empty', ''],
    ['a decimal comma', '10000,50'],
    ['a decimal point', '10000.5'],
    ['zero cents', '10.000.000,00'],
    ['negative', '-10000'],
    ['a plus', '+10000'],
    ['misplaced dots', '1.00.000'],
    ['a leading dot', '.000'],
    ['a trailing dot', '10.'],
    ['comma thousands', '10,000,000'],
    ['spaces inside', '10 000 000'],
    ['words', 'sepuluh juta'],
    ['Rp alone', 'Rp'],
    ['exponent', '1e7'],
    ['hex', '0x10'],
    ['beyond 2^53', '9007199254740993'],
  ])('R6: %s (%j) is not an amount', (_name, text) => {
    expect(parseRupiah(text)).toBeNull();
  });

  it('R6: what formatRupiah writes, parseRupiah reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        return (
          parseRupiah(formatRupiah(n)) === n &&
          parseRupiah(formatNumberId(n)) === n &&
          parseRupiah(String(n)) === n
        );
      }),
    );
  });
});
