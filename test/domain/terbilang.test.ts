import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terbilang, terbilangRupiah } from '../../src/domain/terbilang.ts';

describe('R14 amounts in words on the invoice (terbilang)', () => {
  it.each([
    [0, 'nol'],
    [1, 'satu'],
    [7, 'tujuh'],
    [10, 'sepuluh'],
    [11, 'sebelas'],
    [12, 'dua belas'],
    [19, 'sembilan belas'],
    [20, 'dua puluh'],
    [21, 'dua puluh satu'],
    [99, 'sembilan puluh sembilan'],
    [100, 'seratus'],
    [101, 'seratus satu'],
    [110, 'seratus sepuluh'],
    [111, 'seratus sebelas'],
    [115, 'seratus lima belas'],
    [200, 'dua ratus'],
    [999, 'sembilan ratus sembilan puluh sembilan'],
    [1000, 'seribu'],
    [1001, 'seribu satu'],
    [1100, 'seribu seratus'],
    [1500, 'seribu lima ratus'],
    [2000, 'dua ribu'],
    [10_000, 'sepuluh ribu'],
    [11_000, 'sebelas ribu'],
    [100_000, 'seratus ribu'],
    [101_000, 'seratus satu ribu'],
    [1_000_000, 'satu juta'],
    [1_001_000, 'satu juta seribu'],
    [1_000_001, 'satu juta satu'],
    [10_000_000, 'sepuluh juta'],
    [1_234_567, 'satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh'],
    [1_000_000_000, 'satu miliar'],
    [1_000_001_000, 'satu miliar seribu'],
    [
      12_345_678_901,
      'dua belas miliar tiga ratus empat puluh lima juta enam ratus tujuh puluh delapan ribu sembilan ratus satu',
    ],
    [1_000_000_000_000, 'satu triliun'],
    [
      Number.MAX_SAFE_INTEGER,
      'sembilan kuadriliun tujuh triliun seratus sembilan puluh sembilan miliar dua ratus lima puluh empat juta ' +
        'tujuh ratus empat puluh ribu sembilan ratus sembilan puluh satu',
    ],
    [-5, 'minus lima'],
  ])('R14: %i is "%s"', (n, words) => {
    expect(terbilang(n)).toBe(words);
  });

  it.each([
    [0, 'Nol rupiah'],
    [1500, 'Seribu lima ratus rupiah'],
    [1_374_180, 'Satu juta tiga ratus tujuh puluh empat ribu seratus delapan puluh rupiah'],
    [10_000_000, 'Sepuluh juta rupiah'],
  ])('R14: %i rupiah is written "%s"', (n, sentence) => {
    expect(terbilangRupiah(n)).toBe(sentence);
  });

  it.each([[1.5], [Number.NaN], [2 ** 53]])('R14: %d has no words (not a whole amount)', (n) => {
    expect(() => terbilang(n)).toThrow(/whole number of rupiah/);
  });

  it('R14: words are single-spaced, lower case, from the Indonesian number vocabulary', () => {
    const vocabulary = new Set(
      'nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh seratus ratus seribu ribu juta miliar triliun kuadriliun'.split(
        ' ',
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const words = terbilang(n).split(' ');
        return words.every((w) => vocabulary.has(w)) && !words.includes('');
      }),
    );
  });

  it('R14: se- forms: never "satu ratus", "satu puluh", "satu belas", nor a leading "satu ribu"', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const text = terbilang(n);
        return !/\bsatu (ratus|puluh|belas)\b/.test(text) && !text.startsWith('satu ribu');
      }),
    );
  });
});
