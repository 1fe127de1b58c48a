import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operator } from '../../src/domain/numbers.ts';
import {
  graduatedAmount,
  type PriceList,
  type PriceTier,
  parsePriceListCsv,
  priceVolumeLines,
  tierIndexFor,
  unitPriceFor,
} from '../../src/domain/tiers.ts';

const csv = readFileSync(
  new URL('../../migrations/data/price-list-whatsapp_otp-2022-03-01.csv', import.meta.url),
  'utf8',
);
const otp: PriceList = { id: 1, product: 'whatsapp_otp', mode: 'volume', tiers: parsePriceListCsv(csv) };
const PRICED: ReadonlyArray<Operator> = ['telkomsel', 'xl', 'indosat', 'three', 'smartfren'];

/** A contract list where operators pay different prices, without 'other' rows. */
const contract: PriceList = {
  id: 7,
  product: 'sms_otp',
  mode: 'graduated',
  tiers: [
    { minParts: 0, operator: 'telkomsel', unitPrice: 400 },
    { minParts: 0, operator: 'indosat', unitPrice: 380 },
    { minParts: 0, operator: 'xl', unitPrice: 390 },
    { minParts: 100, operator: 'telkomsel', unitPrice: 300 },
    { minParts: 100, operator: 'indosat', unitPrice: 320 },
    { minParts: 100, operator: 'xl', unitPrice: 310 },
  ],
};

describe('R5 the WhatsApp OTP price list of 1 March 2022', () => {
  it('R5: the data file gives 6 tiers × 5 operators', () => {
    expect(otp.tiers).toHaveLength(30);
    expect(new Set(otp.tiers.map((t) => t.minParts))).toEqual(
      new Set([0, 1000, 5000, 20000, 100000, 250000]),
    );
  });

  it.each([
    [0, 0, 350],
    [1, 0, 350],
    [999, 0, 350],
    [1000, 1, 340],
    [4999, 1, 340],
    [5000, 2, 330],
    [19999, 2, 330],
    [20000, 3, 320],
    [99000, 3, 320],
    [99001, 3, 320], // the terms print "20.000 – 99.000"; the gap belongs to this tier
    [99999, 3, 320],
    [100000, 4, 310],
    [249999, 4, 310],
    [250000, 5, 300],
    [10_000_000, 5, 300],
  ])('R5: a month of %i parts is tier %i at Rp %i a part for every operator', (total, index, price) => {
    expect(tierIndexFor(otp, total)).toBe(index);
    for (const operator of PRICED) expect(unitPriceFor(otp, total, operator)).toBe(price);
  });

  it.each([
    [999, 350],
    [1000, 340],
    [250000, 300],
  ])('R5: operator other pays the highest price of the tier at %i parts (%i)', (total, price) => {
    expect(unitPriceFor(otp, total, 'other')).toBe(price);
  });

  it.each([[-1], [1.5], [Number.NaN]])('R5: %d parts is an error', (total) => {
    expect(() => unitPriceFor(otp, total, 'xl')).toThrow(/whole number/);
  });
});

describe('R5 operator other', () => {
  it.each([
    [0, 400],
    [99, 400],
    [100, 320],
    [5000, 320],
  ])(
    'R5: without other rows, other pays the highest operator price of the tier (%i parts → %i)',
    (total, price) => {
      expect(unitPriceFor(contract, total, 'other')).toBe(price);
    },
  );

  it('R5: explicit other rows win over the highest price', () => {
    const list: PriceList = {
      ...contract,
      tiers: [...contract.tiers, { minParts: 0, operator: 'other', unitPrice: 500 }],
    };
    expect(unitPriceFor(list, 10, 'other')).toBe(500);
    expect(unitPriceFor(list, 100, 'other')).toBe(320);
  });

  it('R5: an operator the list does not price is an error naming the list and the tier', () => {
    expect(() => unitPriceFor(contract, 150, 'three')).toThrow(
      'Price list 7 (sms_otp) has no price for three from 100 parts. Add one to the price list.',
    );
  });
});

describe('R5 volume pricing', () => {
  it('R5: 1000 parts cost 340 each, not 999 × 350 + 1 × 340', () => {
    const lines = priceVolumeLines(otp, new Map([['xl', 1000]]));
    expect(lines).toEqual([{ operator: 'xl', parts: 1000, unitPrice: 340, amount: 340_000 }]);
    expect(lines[0]?.amount).not.toBe(999 * 350 + 340);
  });

  it('R5: the tier is reached by all operators together', () => {
    const lines = priceVolumeLines(
      otp,
      new Map<Operator, number>([
        ['xl', 400],
        ['telkomsel', 599],
        ['other', 1],
      ]),
    );
    expect(lines).toEqual([
      { operator: 'telkomsel', parts: 599, unitPrice: 340, amount: 203_660 },
      { operator: 'xl', parts: 400, unitPrice: 340, amount: 136_000 },
      { operator: 'other', parts: 1, unitPrice: 340, amount: 340 },
    ]);
  });

  it.each([
    [999, 349_650],
    [1000, 340_000],
    [4999, 1_699_660],
    [5000, 1_650_000],
    [19999, 6_599_670],
    [20000, 6_400_000],
    [99999, 31_999_680],
    [100000, 31_000_000],
    [249999, 77_499_690],
    [250000, 75_000_000],
  ])('R5: a month of %i parts costs Rp %i before PPN', (parts, amount) => {
    const lines = priceVolumeLines(otp, new Map([['telkomsel', parts]]));
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(amount);
  });

  it('R5: operators without parts get no line', () => {
    expect(priceVolumeLines(otp, new Map([['xl', 0]]))).toEqual([]);
    expect(priceVolumeLines(otp, new Map())).toEqual([]);
  });

  it('R5: each line is parts × unit price at the tier of the total', () => {
    const partsArb = fc.dictionary(fc.constantFrom<Operator>('telkomsel', 'xl', 'other'), fc.nat(300_000));
    fc.assert(
      fc.property(partsArb, (record) => {
        const parts = new Map(Object.entries(record) as [Operator, number][]);
        const total = [...parts.values()].reduce((a, b) => a + b, 0);
        return priceVolumeLines(otp, parts).every(
          (line) =>
            line.unitPrice === unitPriceFor(otp, total, line.operator) &&
            line.amount === line.parts * line.unitPrice,
        );
      }),
    );
  });
});

describe('R5 graduated pricing (contracts)', () => {
  it.each([
    [0, 0, 0],
    [0, 1, 350],
    [0, 999, 999 * 350],
    [0, 1000, 999 * 350 + 340],
    [998, 3, 350 + 340 + 340],
    [999, 1, 340],
    [1000, 1, 340],
    [4998, 2, 340 + 330],
    [0, 5000, 999 * 350 + 4000 * 340 + 330],
    [0, 250000, 999 * 350 + 4000 * 340 + 15000 * 330 + 80000 * 320 + 150000 * 310 + 300],
    [300000, 10, 3000],
  ])('R5: after %i parts, %i more cost Rp %i', (before, parts, amount) => {
    expect(graduatedAmount(otp, 'xl', before, parts)).toBe(amount);
  });

  it.each([
    ['telkomsel', 0, 150, 99 * 400 + 51 * 300],
    ['indosat', 0, 150, 99 * 380 + 51 * 320],
    ['other', 0, 150, 99 * 400 + 51 * 320],
  ])(
    'R5: graduated %s, %i + %i parts cost Rp %i (other at each band’s highest)',
    (operator, before, parts, amount) => {
      expect(graduatedAmount(contract, operator as Operator, before, parts)).toBe(amount);
    },
  );

  it('R5: graduated amounts add up: (0, a) + (a, b) = (0, a + b)', () => {
    fc.assert(
      fc.property(fc.nat(400_000), fc.nat(400_000), (a, b) => {
        return (
          graduatedAmount(otp, 'three', 0, a) + graduatedAmount(otp, 'three', a, b) ===
          graduatedAmount(otp, 'three', 0, a + b)
        );
      }),
    );
  });

  it('R5: with falling prices graduated never costs less than volume', () => {
    fc.assert(
      fc.property(fc.nat(400_000), (parts) => {
        return graduatedAmount(otp, 'xl', 0, parts) >= parts * unitPriceFor(otp, parts, 'xl');
      }),
    );
  });
});

describe('R5 price lists must be complete', () => {
  it('R5: a list without a tier at 0 is an error', () => {
    const list: PriceList = {
      id: 3,
      product: 'sms_masking',
      mode: 'volume',
      tiers: [{ minParts: 10, operator: 'xl', unitPrice: 1 }],
    };
    expect(() => unitPriceFor(list, 50, 'xl')).toThrow(
      'Price list 3 (sms_masking) has no tier starting at 0 parts',
    );
  });

  it.each<[string, PriceTier[], RegExp]>([
    [
      'a repeated price',
      [
        { minParts: 0, operator: 'xl', unitPrice: 1 },
        { minParts: 0, operator: 'xl', unitPrice: 2 },
      ],
      /prices xl twice/,
    ],
    ['a fractional price', [{ minParts: 0, operator: 'xl', unitPrice: 1.5 }], /whole number of rupiah/],
    ['a negative price', [{ minParts: 0, operator: 'xl', unitPrice: -1 }], /negative/],
    ['a negative start', [{ minParts: -5, operator: 'xl', unitPrice: 1 }], /starting at -5 parts/],
    ['no tiers at all', [], /no tier starting at 0/],
  ])('R5: %s is an error', (_name, tiers, message) => {
    expect(() => unitPriceFor({ id: 9, product: 'p', mode: 'volume', tiers }, 1, 'xl')).toThrow(message);
  });
});

describe('R5 reading a price-list file', () => {
  it('R5: columns may come in any order and other is optional', () => {
    expect(parsePriceListCsv('min_parts,other,xl\n0,360,350\n1000,345,340\n')).toEqual([
      { minParts: 0, operator: 'other', unitPrice: 360 },
      { minParts: 0, operator: 'xl', unitPrice: 350 },
      { minParts: 1000, operator: 'other', unitPrice: 345 },
      { minParts: 1000, operator: 'xl', unitPrice: 340 },
    ]);
  });

  it.each([
    ['a wrong first column', 'parts,xl\n0,350\n', /line 1: the first column must be 'min_parts'/],
    ['an unknown operator', 'min_parts,fren\n0,350\n', /line 1: 'fren' is not an operator/],
    ['a repeated operator', 'min_parts,xl,xl\n0,350,350\n', /line 1: operator 'xl' appears twice/],
    ['no operators', 'min_parts\n0\n', /no operator columns/],
    ['no rows', 'min_parts,xl\n', /has no tiers/],
    ['a first tier above 0', 'min_parts,xl\n1,350\n', /line 2: the first tier must start at 0/],
    [
      'tiers out of order',
      'min_parts,xl\n0,350\n5000,330\n1000,340\n',
      /line 4: min_parts 1000 must be greater than 5000/,
    ],
    [
      'dotted thousands',
      'min_parts,xl\n0,350\n1.000,340\n',
      /line 3: min_parts '1.000' must be a whole number/,
    ],
    ['a decimal price', 'min_parts,xl\n0,350.5\n', /line 2: xl '350.5' must be a whole number/],
    ['an empty price', 'min_parts,xl\n0,\n', /line 2: xl '' must be a whole number/],
  ])('R5: %s is an error naming the line', (_name, text, message) => {
    expect(() => parsePriceListCsv(text)).toThrow(message);
  });
});
