import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  billableCharactersOf,
  countCharacters,
  PART_SIZE,
  partsForBillableCharacters,
  partsOf,
  SPECIAL_CHARACTERS,
} from '../../src/domain/counting.ts';

/** The rule written the slow, obvious way. */
function referenceBillable(text: string): number {
  let n = 0;
  for (const c of text) n += SPECIAL_CHARACTERS.has(c) ? 2 : 1;
  return n;
}

/** Any UTF-16 string, lone surrogates included. */
const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) });
/** Strings drawn mostly from specials, ASCII, emoji and other scripts. */
const mixed = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SPECIAL_CHARACTERS),
    fc.constantFrom('a', 'Z', '0', '9', ' ', '\n', '"', '^', '|', '+', 'é', '中', '👍', '🇮', '\u200d'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 3000,
});

describe('R3 the 28 special characters', () => {
  it('R3: the terms list exactly 28 specials', () => {
    expect([...SPECIAL_CHARACTERS].join('')).toBe("~`!@#$%&*()_=\\-{}[]:;'><?,./");
    expect(SPECIAL_CHARACTERS.size).toBe(28);
  });

  it.each([...SPECIAL_CHARACTERS])('R3: special %s counts 2', (c) => {
    expect(countCharacters(c)).toEqual({ characters: 1, billableCharacters: 2 });
  });

  it.each([
    ['double quote', '"'],
    ['caret', '^'],
    ['pipe', '|'],
    ['plus', '+'],
    ['digit 0', '0'],
    ['digit 9', '9'],
    ['letter', 'a'],
    ['capital', 'Z'],
    ['space', ' '],
    ['newline', '\n'],
    ['tab', '\t'],
    ['e acute', 'é'],
    ['CJK', '中'],
    ['emoji (2 UTF-16 units)', '👍'],
    ['lone high surrogate', '\ud83d'],
    ['lone low surrogate', '\udc4d'],
    ['full-width exclamation (not ASCII !)', '！'],
  ])('R3: %s counts 1', (_name, c) => {
    expect(countCharacters(c)).toEqual({ characters: 1, billableCharacters: 1 });
  });

  it.each([...'0123456789'])('R3: digit %s counts 1 (the terms’ "(0" means "( )")', (c) => {
    expect(countCharacters(c).billableCharacters).toBe(1);
  });
});

describe('R3 characters and parts', () => {
  it.each([
    ['1000 × a', 'a'.repeat(1000), 1000, 1000, 1],
    ['1001 × a', 'a'.repeat(1001), 1001, 1001, 2],
    ['500 × .', '.'.repeat(500), 500, 1000, 1],
    ['501 × .', '.'.repeat(501), 501, 1002, 2],
    ['600 × 👍', '👍'.repeat(600), 600, 600, 1],
    ['2001 × a', 'a'.repeat(2001), 2001, 2001, 3],
    ['999 × a and one (', `${'a'.repeat(999)}(`, 1000, 1001, 2],
    ['998 × a and one )', `${'a'.repeat(998)})`, 999, 1000, 1],
    ['1 × a', 'a', 1, 1, 1],
    ['an empty message', '', 0, 0, 0],
    ['an OTP text', 'Kode OTP Anda 123456', 20, 20, 1],
    ['an OTP text with punctuation', 'Kode OTP: 123456. Jangan berikan ke siapa pun!', 46, 49, 1],
    ['a family emoji (5 code points)', '👨‍👩‍👧', 5, 5, 1],
    ['the Indonesian flag (2 code points)', '🇮🇩', 2, 2, 1],
    ['e + combining acute (2 code points)', 'e\u0301', 2, 2, 1],
    ['CRLF', '\r\n', 2, 2, 1],
    ['"^|+', '"^|+', 4, 4, 1],
  ])('R3: %s → %i characters, %i billable, %i parts', (_name, text, characters, billable, parts) => {
    expect(countCharacters(text)).toEqual({ characters, billableCharacters: billable });
    expect(billableCharactersOf(text)).toBe(billable);
    expect(partsOf(text)).toBe(parts);
  });

  it.each([
    [0, 0],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [2000, 2],
    [2001, 3],
    [1_000_000, 1000],
    [1_000_001, 1001],
  ])('R3: %i billable characters are %i parts', (billable, parts) => {
    expect(partsForBillableCharacters(billable)).toBe(parts);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'R3: %d billable characters is an error',
    (n) => {
      expect(() => partsForBillableCharacters(n)).toThrow(/whole number/);
    },
  );

  it('R3: characters are code points, like [...text].length', () => {
    fc.assert(fc.property(utf16, (text) => countCharacters(text).characters === [...text].length));
    fc.assert(fc.property(mixed, (text) => countCharacters(text).characters === [...text].length));
  });

  it('R3: billable characters are code points with specials counting 2', () => {
    fc.assert(
      fc.property(mixed, (text) => countCharacters(text).billableCharacters === referenceBillable(text)),
    );
    fc.assert(fc.property(utf16, (text) => billableCharactersOf(text) === referenceBillable(text)));
  });

  it('R3: parts are ceil(billable / 1000)', () => {
    fc.assert(fc.property(mixed, (text) => partsOf(text) === Math.ceil(referenceBillable(text) / PART_SIZE)));
  });

  it('R3: appending a character never lowers the parts', () => {
    fc.assert(
      fc.property(mixed, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (text, c) => {
        return partsOf(text + c) >= partsOf(text);
      }),
    );
  });

  it('R3: N specials cost ceil(2N / 1000) parts', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPECIAL_CHARACTERS), fc.integer({ min: 0, max: 5000 }), (c, n) => {
        return partsOf(c.repeat(n)) === Math.ceil((2 * n) / 1000);
      }),
    );
  });

  // Speed is measured by `npm run bench`, not asserted here: a loaded machine must not fail the suite.
  it('R3: 200 000 OTP messages in a row are one part each', () => {
    const messages = Array.from(
      { length: 200_000 },
      (_, i) => `Kode OTP Anda ${100000 + i}. Jangan berikan!`,
    );
    let total = 0;
    for (const m of messages) total += partsOf(m);
    expect(total).toBe(200_000);
  });
});
