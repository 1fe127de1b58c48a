import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normaliseNumber, parsePrefixTable } from '../../src/domain/numbers.ts';

const prefixes = [
  ...parsePrefixTable(
    readFileSync(new URL('../../migrations/data/operator-prefixes.csv', import.meta.url), 'utf8'),
  ).keys(),
];

/** What libphonenumber makes of a number dialled in Indonesia, as E.164 digits without '+'. */
function libphonenumber(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, 'ID');
  return parsed ? parsed.number.slice(1) : null;
}

const DASHES = ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uff0d'];
const SPACES = [' ', '\u00a0', '\u3000', '\u200b', '.', '/'];
const separator = fc.constantFrom('', ...DASHES, ...SPACES);

/** Digits written as ASCII or full-width (０–９), each on its own. */
function writeDigits(digits: string, fullWidth: ReadonlyArray<boolean>): string {
  return [...digits]
    .map((d, i) => (fullWidth[i % fullWidth.length] ? String.fromCharCode(0xff10 + Number(d)) : d))
    .join('');
}

/** The ways an Indonesian mobile number arrives (R4), built around its national significant number. */
const STYLES: ReadonlyArray<(prefix: string, rest: string, sep: string) => string> = [
  (p, r, s) => `0${p}${s}${r}`,
  (p, r, s) => `(0${p})${s}${r}`,
  (p, r, s) => `+62${s}${p}${s}${r}`,
  (p, r, s) => `+62${s}(0)${s}${p}${r}`,
  (p, r, s) => `(+62)${s}${p}${s}${r}`,
  (p, r, s) => `008${s}62${s}${p}${s}${r}`,
  (p, r, s) => `009${s}62${s}${p}${r}`,
  (p, r, s) => `tel:+62${s === ' ' ? '-' : s}${p}${r}`,
  (p, r) => `${p}${r}`,
];

describe('R4: number normalisation agrees with libphonenumber for Indonesian numbers', () => {
  it("R4: every generated Indonesian mobile, in every style, gives libphonenumber's E.164 number", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.stringMatching(/^\d{6,9}$/),
        fc.integer({ min: 0, max: STYLES.length - 1 }),
        separator,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        (prefix, rest, style, sep, fullWidth) => {
          const raw = STYLES[style]!(writeDigits(prefix, fullWidth), writeDigits(rest, fullWidth), sep);
          const expected = libphonenumber(raw);
          expect(expected, raw).toBe(`62${prefix}${rest}`);
          expect(normaliseNumber(raw), raw).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('R4: 0062… is Indonesian (a decision of R4), where libphonenumber, knowing only 008 and 009, gives up', () => {
    expect(normaliseNumber('0062 812 3456 7890')).toBe('6281234567890');
    expect(parsePhoneNumberFromString('0062 812 3456 7890', 'ID')?.isValid()).toBe(false);
  });

  it('R4: 62… without a plus is already international (a decision of R4); libphonenumber may read a short one as national', () => {
    expect(normaliseNumber('62811000000')).toBe('62811000000');
    expect(libphonenumber('62811000000')).toBe('6262811000000');
  });
});
