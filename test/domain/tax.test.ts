import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dppFor,
  dppHundredths,
  formatDpp,
  parseTaxRulesCsv,
  type TaxRule,
  taxFor,
  taxRuleFor,
  wholeDppFor,
} from '../../src/domain/tax.ts';

const rules = parseTaxRulesCsv(
  readFileSync(new URL('../../migrations/data/tax-rules.csv', import.meta.url), 'utf8'),
);
const ppn11 = taxRuleFor(rules, '2024-12-31')!;
const ppn12 = taxRuleFor(rules, '2025-01-01')!;
const per11 = taxRuleFor(rules, '2025-05-22')!;
const MAX_SUBTOTAL = 9_000_000_000_000; // Rp 9 trillion, far beyond any month

/** The rounding to avoid: the DPP first rounded to what the invoice shows (2 decimals), then 12% of it. */
function taxFromRoundedDpp(subtotal: number): number {
  const dpp = BigInt(dppHundredths(subtotal, ppn12));
  return Number((dpp * 12n) / 10_000n);
}

describe('R6 tax rules', () => {
  it('R6: the data file holds PPN 11% from 2022-04-01, PPN 12% of 11/12 from 2025-01-01, PER-11 from 2025-05-22', () => {
    const pmk = { label: 'PPN 12%', ratePercent: 12, dppNumerator: 11, dppDenominator: 12 };
    expect(rules).toEqual([
      {
        effectiveFrom: '2022-04-01',
        label: 'PPN 11%',
        ratePercent: 11,
        dppNumerator: 1,
        dppDenominator: 1,
        rounding: 'floor',
        roundDppFirst: false,
      },
      { effectiveFrom: '2025-01-01', ...pmk, rounding: 'floor', roundDppFirst: false },
      { effectiveFrom: '2025-05-22', ...pmk, rounding: 'half_up', roundDppFirst: true },
    ]);
  });

  it.each([
    ['2022-03-31', undefined],
    ['2022-04-01', 'PPN 11%'],
    ['2023-07-15', 'PPN 11%'],
    ['2024-12-31', 'PPN 11%'],
    ['2025-01-01', 'PPN 12%'],
    ['2026-11-01', 'PPN 12%'],
  ])('R6: an invoice dated %s is taxed by %s', (date, label) => {
    expect(taxRuleFor(rules, date)?.label).toBe(label);
  });

  it.each([
    ['2025-05-21', 'floor', false],
    ['2025-05-22', 'half_up', true],
    ['2026-12-01', 'half_up', true],
  ])('R6: an invoice dated %s rounds %s, DPP first: %s', (date, rounding, first) => {
    expect(taxRuleFor(rules, date)).toMatchObject({ rounding, roundDppFirst: first });
  });

  it('R6: the rule is found whatever order the rules come in', () => {
    expect(taxRuleFor([...rules].reverse(), '2025-06-01')?.label).toBe('PPN 12%');
  });

  it.each([['2025-13-01'], ['2025-02-29'], ['1/1/2025'], ['']])('R6: invoice date %j is an error', (date) => {
    expect(() => taxRuleFor(rules, date)).toThrow(/not a valid date/);
  });
});

describe('R6 PPN amounts', () => {
  it.each([
    [0, 0],
    [1, 0],
    [9, 0],
    [10, 1],
    [99, 10],
    [100, 11],
    [999, 109],
    [349_650, 38_461],
    [1_000_000, 110_000],
    [1_238_000, 136_180],
    [75_000_000, 8_250_000],
  ])('R6: PPN 11%% (2022–2024) of %i is %i, floored', (subtotal, tax) => {
    expect(taxFor(subtotal, ppn11)).toBe(tax);
  });

  it.each([
    [0, 0],
    [1, 0],
    [9, 0],
    [10, 1],
    [99, 10],
    [100, 11],
    [999, 109],
    [349_650, 38_461],
    [1_000_000, 110_000],
    [1_238_000, 136_180],
    [75_000_000, 8_250_000],
  ])('R6: PPN 12%% of DPP 11/12 (2025–) of %i is %i = floor(subtotal × 11 / 100)', (subtotal, tax) => {
    expect(taxFor(subtotal, ppn12)).toBe(tax);
  });

  it('R6: from 2025 PPN never differs from floor(subtotal × 11 / 100)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SUBTOTAL }), (subtotal) => {
        return taxFor(subtotal, ppn12) === Number((BigInt(subtotal) * 11n) / 100n);
      }),
      { numRuns: 10_000 },
    );
  });

  it('R6: PPN is exact even where subtotal × 132 passes 2^53', () => {
    expect(taxFor(Number.MAX_SAFE_INTEGER, ppn12)).toBe(
      Number((BigInt(Number.MAX_SAFE_INTEGER) * 11n) / 100n),
    );
  });

  it('R6: the 1-rupiah trap — rounding DPP first gives 136.179 for 1.238.000, the rule gives 136.180', () => {
    expect(formatDpp(dppHundredths(1_238_000, ppn12))).toBe('1.134.833,33');
    expect(taxFromRoundedDpp(1_238_000)).toBe(136_179);
    expect(Math.floor((Math.round((1_238_000 * 11) / 12) * 12) / 100)).toBe(136_179);
    expect(taxFor(1_238_000, ppn12)).toBe(136_180);
  });

  it('R6: rounding DPP first is 1 rupiah low for many subtotals; taxFor never is', () => {
    const trapped = fc
      .sample(fc.integer({ min: 1, max: 100_000_000 }), 5000)
      .filter((subtotal) => taxFromRoundedDpp(subtotal) !== taxFor(subtotal, ppn12));
    expect(trapped.length).toBeGreaterThan(0);
    for (const subtotal of trapped) expect(taxFor(subtotal, ppn12) - taxFromRoundedDpp(subtotal)).toBe(1);
  });

  it.each([[-1], [1.5], [Number.NaN]])('R6: a subtotal of %d is an error', (subtotal) => {
    expect(() => taxFor(subtotal, ppn12)).toThrow(/Subtotal/);
  });
});

describe('R6 PER-11/PJ/2025 art. 129 (from 22 May 2025)', () => {
  it('R6: the example of DESIGN.md — subtotal 349.650 → DPP 320.513 → PPN 38.462 (the floor rule gave 38.461)', () => {
    expect(dppFor(349_650, per11)).toBe(320_513);
    expect(taxFor(349_650, per11)).toBe(38_462);
    expect(taxFor(349_650, ppn12)).toBe(38_461);
  });

  it.each([
    // [subtotal, DPP = roundHalfUp(subtotal × 11 / 12), PPN = roundHalfUp(DPP × 12 / 100)]
    [0, 0, 0],
    [1, 1, 0], // 0,9166… → 1; 0,12 → 0
    [6, 6, 1], // 5,5 → 6 (half up); 0,72 → 1
    [1_207_000, 1_106_417, 132_770],
    [1_238_000, 1_134_833, 136_180],
    [1_400, 1_283, 154],
    [700, 642, 77],
  ])('R6: subtotal %i → DPP %i → PPN %i, each whole rupiah rounded half up', (subtotal, dpp, tax) => {
    expect(dppFor(subtotal, per11)).toBe(dpp);
    expect(taxFor(subtotal, per11)).toBe(tax);
  });

  it('R6: the PPN is always computed from the DPP as shown', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SUBTOTAL }), (subtotal) => {
        const dpp = BigInt(dppFor(subtotal, per11)!);
        const exact = BigInt(subtotal) * 11n; // DPP × 12
        // half up: DPP − exact/12 lies in (−0,5; 0,5]
        const roundedOk = 2n * (dpp * 12n - exact) <= 12n && 2n * (exact - dpp * 12n) < 12n;
        return roundedOk && BigInt(taxFor(subtotal, per11)) === (dpp * 12n * 2n + 100n) / 200n;
      }),
      { numRuns: 5000 },
    );
  });

  it('R6: rules before 22 May 2025 keep the exact DPP (no whole-rupiah DPP)', () => {
    expect(dppFor(349_650, ppn12)).toBeNull();
    expect(dppFor(349_650, ppn11)).toBeNull();
  });
});

describe('R6 DPP Nilai Lain on the invoice', () => {
  it.each([
    [0, ppn12, 0, '0,00'],
    [1, ppn12, 92, '0,92'],
    [2, ppn12, 183, '1,83'],
    [12, ppn12, 1100, '11,00'],
    [1_238_000, ppn12, 113_483_333, '1.134.833,33'],
    [1_000_000, ppn12, 91_666_667, '916.666,67'],
    [1_238_000, ppn11, 123_800_000, '1.238.000,00'],
  ])('R6: DPP of %i is %i hundredths, shown %s', (subtotal, rule: TaxRule, hundredths, shown) => {
    expect(dppHundredths(subtotal, rule)).toBe(hundredths);
    expect(formatDpp(hundredths)).toBe(shown);
  });

  it('R6: DPP is 11/12 of the subtotal, rounded half up to the hundredth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SUBTOTAL }), (subtotal) => {
        const exactTimes12 = BigInt(subtotal) * 1100n; // DPP × 100 × 12
        const shown = BigInt(dppHundredths(subtotal, ppn12)) * 12n;
        return shown - exactTimes12 <= 6n && exactTimes12 - shown < 6n;
      }),
    );
  });

  it.each([
    [5, '0,05'],
    [100, '1,00'],
    [123_456_789_012, '1.234.567.890,12'],
    [-150, '-1,50'],
  ])('R6: formatDpp(%i) is %s', (hundredths, shown) => {
    expect(formatDpp(hundredths)).toBe(shown);
  });
});

describe('R6/R17 DPP in whole rupiah, as a Faktur Pajak carries it', () => {
  it.each([
    ['PER-11: the rule rounds the DPP itself', 349_650, 'per11', 320_513],
    ['Jan–May 2025: 11/12 rounded half up (320.512,50 → 320.513)', 349_650, 'ppn12', 320_513],
    ['Jan–May 2025: 11/12 rounded half up (916,67 → 917)', 1_000, 'ppn12', 917],
    ['PPN 11 %: the subtotal itself', 1_000, 'ppn11', 1_000],
  ] as const)('R6: %s', (_, subtotal, which, dpp) => {
    const rule = { per11, ppn12, ppn11 }[which];
    expect(wholeDppFor(subtotal, rule)).toBe(dpp);
  });

  it('R6: it is the DPP of the invoice rounded half up to the rupiah, for every rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SUBTOTAL }), (subtotal) => {
        const hundredths = BigInt(dppHundredths(subtotal, ppn12));
        return BigInt(wholeDppFor(subtotal, ppn12)) === (hundredths + 50n) / 100n;
      }),
    );
  });
});

describe('R6 reading tax rules', () => {
  const header = 'effective_from,label,rate_percent,dpp_numerator,dpp_denominator,rounding,round_dpp_first';

  it('R6: rules come back sorted by date', () => {
    const parsed = parseTaxRulesCsv(
      `${header}\n2025-01-01,PPN 12%,12,11,12,floor,false\n2022-04-01,PPN 11%,11,1,1,floor,false\n`,
    );
    expect(parsed.map((rule) => rule.effectiveFrom)).toEqual(['2022-04-01', '2025-01-01']);
  });

  it.each([
    ['a wrong header', 'date,label,rate\n', /line 1: header must be/],
    ['a bad date', `${header}\n2025-02-30,PPN,12,11,12,floor,false\n`, /line 2: effective_from '2025-02-30'/],
    [
      'a repeated date',
      `${header}\n2025-01-01,A,12,11,12,floor,false\n2025-01-01,B,12,11,12,floor,false\n`,
      /line 3: a rule for 2025-01-01/,
    ],
    ['an empty label', `${header}\n2025-01-01,,12,11,12,floor,false\n`, /line 2: label is empty/],
    ['a decimal rate', `${header}\n2025-01-01,PPN,11.5,1,1,floor,false\n`, /line 2: rate_percent '11.5'/],
    [
      'a rate above 100',
      `${header}\n2025-01-01,PPN,120,1,1,floor,false\n`,
      /line 2: rate_percent 120 is above 100/,
    ],
    [
      'a zero denominator',
      `${header}\n2025-01-01,PPN,12,11,0,floor,false\n`,
      /line 2: dpp_denominator '0' must be a whole number >= 1/,
    ],
    [
      'an unknown rounding',
      `${header}\n2025-05-22,PPN,12,11,12,ceil,true\n`,
      /line 2: rounding 'ceil' must be one of floor, half_up/,
    ],
    [
      'a bad flag',
      `${header}\n2025-05-22,PPN,12,11,12,half_up,yes\n`,
      /line 2: round_dpp_first 'yes' must be true or false/,
    ],
  ])('R6: %s is an error naming the line', (_name, csv, message) => {
    expect(() => parseTaxRulesCsv(csv)).toThrow(message);
  });
});
