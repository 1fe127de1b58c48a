import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isOperator,
  normaliseNumber,
  OPERATOR_LABELS,
  OPERATORS,
  type Operator,
  operatorOf,
  parsePrefixTable,
} from '../../src/domain/numbers.ts';

const prefixCsv = readFileSync(
  new URL('../../migrations/data/operator-prefixes.csv', import.meta.url),
  'utf8',
);
const prefixes = parsePrefixTable(prefixCsv);

// R4's table, typed out again from DESIGN.md so the data file is checked against it.
const DESIGN_TABLE: ReadonlyArray<[Operator, string]> = [
  ['telkomsel', '811 812 813 821 822 823 851 852 853'],
  ['indosat', '814 815 816 855 856 857 858'],
  ['three', '895 896 897 898 899'],
  ['xl', '817 818 819 859 877 878 879 831 832 833 838'],
  ['smartfren', '881 882 883 884 885 886 887 888 889'],
];
const EVERY_PREFIX: ReadonlyArray<[string, Operator]> = DESIGN_TABLE.flatMap(([operator, list]) =>
  list.split(' ').map((prefix): [string, Operator] => [prefix, operator]),
);

describe('R4 operators', () => {
  it('R4: operators in invoice order, other last, each with a label', () => {
    expect(OPERATORS).toEqual(['telkomsel', 'indosat', 'three', 'xl', 'smartfren', 'other']);
    expect(Object.keys(OPERATOR_LABELS).sort()).toEqual([...OPERATORS].sort());
    expect(OPERATOR_LABELS.three).toBe('Tri (3)');
    expect(OPERATOR_LABELS.xl).toBe('XL/AXIS');
  });

  it.each([
    ['telkomsel', true],
    ['other', true],
    ['Telkomsel', false],
    ['axis', false],
  ])('R4: isOperator(%s) is %s', (s, expected) => {
    expect(isOperator(s)).toBe(expected);
  });

  it('R4: the prefix file holds exactly the 41 prefixes of the table', () => {
    expect(prefixes.size).toBe(41);
    expect(new Map(EVERY_PREFIX)).toEqual(prefixes);
  });
});

describe('R4 every prefix in every number style', () => {
  const STYLES: ReadonlyArray<[string, (prefix: string) => string]> = [
    ['0…', (p) => `0${p}12345678`],
    ['62…', (p) => `62${p}12345678`],
    ['+62…', (p) => `+62${p}12345678`],
    ['+62 with spaces and dashes', (p) => `+62 ${p}-1234-5678`],
    ['0062…', (p) => `0062${p}12345678`],
    ['stray +620…', (p) => `+620${p}12345678`],
    ['stray 620…', (p) => `620${p}12345678`],
    ['(+62) with dots', (p) => `(+62) ${p}.1234.5678`],
    ['8… without 0 or 62', (p) => `${p}12345678`],
  ];
  const cases = EVERY_PREFIX.flatMap(([prefix, operator]) =>
    STYLES.map(([style, make]): [string, string, string, Operator] => [
      style,
      make(prefix),
      prefix,
      operator,
    ]),
  );

  it.each(cases)('R4: %s %s is 62%s… on %s', (_style, raw, prefix, operator) => {
    const normalised = normaliseNumber(raw);
    expect(normalised).toBe(`62${prefix}12345678`);
    expect(operatorOf(normalised!, prefixes)).toBe(operator);
  });
});

describe('R4 normalising numbers', () => {
  it.each([
    ['081234567890', '6281234567890'],
    ['6281234567890', '6281234567890'],
    ['+6281234567890', '6281234567890'],
    ['+62 812-3456-7890', '6281234567890'],
    ['0812 3456 7890', '6281234567890'],
    ['0812-3456-7890', '6281234567890'],
    ['0812.3456.7890', '6281234567890'],
    ['(0812) 3456 7890', '6281234567890'],
    ['  081234567890  ', '6281234567890'],
    ['081234567890\r\n', '6281234567890'],
    ['0812\u00a03456\u00a07890', '6281234567890'],
    ['006281234567890', '6281234567890'],
    ['00 62 812 3456 7890', '6281234567890'],
    ['+0062 812 3456 7890', '6281234567890'],
    ['+6208123456789', '628123456789'],
    ['6208123456789', '628123456789'],
    ['+62 0812-3456-789', '628123456789'],
    ['+081234567890', '6281234567890'],
    ['81234567890', '6281234567890'],
    ['0811234567', '62811234567'],
    ['02155512345', '622155512345'],
    ['+6591234567', '6591234567'],
    ['+65 9123 4567', '6591234567'],
    ['006591234567', '6591234567'],
    ['+14155550100', '14155550100'],
    ['+1 (415) 555-0100', '14155550100'],
    ['+81312345678', '81312345678'],
    ['+8613800138000', '8613800138000'],
    ['6591234567', '6591234567'],
    ['12345678', '12345678'],
    ['123456789012345', '123456789012345'],
    // As libphonenumber reads a number dialled in Indonesia (issue 17):
    ['008 62 812 3456 7890', '6281234567890'],
    ['00862812345678901', '62812345678901'],
    ['009 62 812 3456 7890', '6281234567890'],
    ['0086 21 1234 5678', '862112345678'],
    ['0812\u20133456\u20137890', '6281234567890'],
    ['0812\u20143456\u20157890', '6281234567890'],
    ['0812\u20103456\u20117890', '6281234567890'],
    ['0812\u22123456\uff0d7890', '6281234567890'],
    ['\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10', '6281234567890'],
    ['\uff0b62 812 3456 7890', '6281234567890'],
    ['\uff080812\uff09 3456 7890', '6281234567890'],
    ['+62 (0) 812 3456 7890', '6281234567890'],
    ['[0812] 3456 7890', '6281234567890'],
    ['tel:+62-812-3456-7890', '6281234567890'],
    ['TEL:+6281234567890', '6281234567890'],
    ['tel:+62-812-3456-7890;ext=12', '6281234567890'],
    ['tel:0812-3456-7890;phone-context=+62', '6281234567890'],
    ['0812/3456/7890', '6281234567890'],
    ['0812\u200b3456\u20607890', '6281234567890'],
    ['\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660', '6281234567890'],
  ])('R4: %j normalises to %s', (raw, expected) => {
    expect(normaliseNumber(raw)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['letters', 'abc'],
    ['letters inside', '0812-3456-ABCD'],
    ['a tel: URI without a number', 'tel:'],
    ['another URI scheme', 'sms:+6281234567890'],
    ['a plus only', '+'],
    ['two plus signs', '++6281234567890'],
    ['a plus in the middle', '0812+34567890'],
    ['a plus after digits', '62+81234567890'],
    ['an underscore', '0812_34567890'],
    ['7 digits', '1234567'],
    ['16 digits', '1234567890123456'],
    ['7 digits after adding 62', '012345'],
    ['too long after 62', '+62 812 3456 7890 1234'],
    ['an extension', '0812 3456 7890 x12'],
  ])('R4: %s (%j) is not a number', (_name, raw) => {
    expect(normaliseNumber(raw)).toBeNull();
  });

  it('R4: a normalised number is digits only, 8–15 long, and normalising it again changes nothing', () => {
    const raw = fc.string({ unit: fc.constantFrom(...'0123456789+ -.()x'), maxLength: 20 });
    fc.assert(
      fc.property(raw, (text) => {
        const n = normaliseNumber(text);
        if (n === null) return true;
        return (
          /^\d{8,15}$/.test(n) && !n.startsWith('0') && !n.startsWith('620') && normaliseNumber(`+${n}`) === n
        );
      }),
    );
  });

  it('R4: every Indonesian mobile written 0… or +62… gives the same number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVERY_PREFIX.map(([p]) => p)),
        fc.stringMatching(/^\d{6,9}$/),
        (prefix, rest) => {
          const expected = `62${prefix}${rest}`;
          return (
            normaliseNumber(`0${prefix}${rest}`) === expected &&
            normaliseNumber(`+62 ${prefix} ${rest}`) === expected
          );
        },
      ),
    );
  });

  // Speed is measured by `npm run bench`, not asserted here: a loaded machine must not fail the suite.
  it('R4: 200 000 numbers in a row all normalise to 62…', () => {
    let normalised = 0;
    for (let i = 0; i < 200_000; i++) {
      if (
        normaliseNumber(`0812-${1000 + (i % 9000)}-${10000 + i}`) === `62812${1000 + (i % 9000)}${10000 + i}`
      )
        normalised += 1;
    }
    expect(normalised).toBe(200_000);
  });
});

describe('R4 operator of a number', () => {
  it.each([
    ['6281234567890', 'telkomsel'],
    ['6285712345678', 'indosat'],
    ['6289912345678', 'three'],
    ['6283812345678', 'xl'],
    ['6288912345678', 'smartfren'],
    ['6281012345678', 'other'],
    ['6280012345678', 'other'],
    ['622155512345', 'other'],
    ['6591234567', 'other'],
    ['14155550100', 'other'],
    ['81312345678', 'other'],
    ['6281', 'other'],
  ])('R4: %s is %s (unknown prefixes and abroad are other, still billed)', (number, operator) => {
    expect(operatorOf(number, prefixes)).toBe(operator);
  });
});

describe('R4 reading the prefix table', () => {
  it.each([
    ['a wrong header', 'prefix;operator\n812;telkomsel\n', /line 1: header must be 'prefix,operator'/],
    ['a two-digit prefix', 'prefix,operator\n812,telkomsel\n81,telkomsel\n', /line 3: prefix '81'/],
    ['an unknown operator', 'prefix,operator\n812,telkom\n', /line 2: operator 'telkom' must be one of/],
    [
      'a repeated prefix',
      'prefix,operator\n812,telkomsel\n\n812,xl\n',
      /line 4: prefix 812 is already listed on line 2/,
    ],
    ['a missing field', 'prefix,operator\n812\n', /line 2: expected 2 fields/],
    ['an empty file', '', /is empty/],
  ])('R4: %s is an error naming the line', (_name, csv, message) => {
    expect(() => parsePrefixTable(csv)).toThrow(message);
  });

  it('R4: CRLF line ends, a byte-order mark and blank lines are accepted', () => {
    const table = parsePrefixTable('\uFEFFprefix,operator\r\n812,telkomsel\r\n\r\n899,three\r\n');
    expect([...table]).toEqual([
      ['812', 'telkomsel'],
      ['899', 'three'],
    ]);
  });
});
