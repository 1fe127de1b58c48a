import { describe, expect, it } from 'vitest';
import { type CustomerUsage, draftInvoiceFor } from '../../src/domain/draft-invoice.ts';
import { priceListFor, type StoredPriceList, type StoredTaxRule } from '../../src/domain/price-list.ts';
import { taxFor } from '../../src/domain/tax.ts';

const tiers = [
  { minParts: 0, operator: 'telkomsel', unitPrice: 400 },
  { minParts: 0, operator: 'indosat', unitPrice: 350 },
  { minParts: 1_000, operator: 'telkomsel', unitPrice: 300 },
  { minParts: 1_000, operator: 'indosat', unitPrice: 250 },
] as const;
const standard: StoredPriceList = {
  id: 1,
  product: 'whatsapp_otp',
  mode: 'volume',
  customerId: null,
  effectiveFrom: '2022-03-01',
  name: 'standard',
  tiers: [...tiers],
};
const later: StoredPriceList = { ...standard, id: 2, effectiveFrom: '2026-12-01', name: 'later' };
const contract: StoredPriceList = { ...standard, id: 3, customerId: 7, name: 'contract 7' };
const graduated: StoredPriceList = {
  ...standard,
  id: 4,
  mode: 'graduated',
  customerId: 8,
  name: 'graduated 8',
};
const lists = [standard, later, contract, graduated];
const ppn12: StoredTaxRule = {
  id: 2,
  effectiveFrom: '2025-01-01',
  label: 'PPN 12%',
  ratePercent: 12,
  dppNumerator: 11,
  dppDenominator: 12,
  rounding: 'floor',
  roundDppFirst: false,
};

function usageOf(customerId: number, lines: CustomerUsage['lines']): CustomerUsage {
  return {
    customerId,
    customerCode: `C${customerId}`,
    customerName: `Customer ${customerId}`,
    periodStart: '2026-10-01',
    invoiceDate: '2026-11-01',
    lines,
    partsPerDay: [
      { date: '2026-10-02', parts: 1 },
      { date: '2026-10-01', parts: 2 },
    ],
  };
}

describe('R5: priceListFor', () => {
  it.each([
    { customerId: 5, day: '2026-10-01', list: 'standard' },
    { customerId: 5, day: '2026-12-01', list: 'later' },
    { customerId: 7, day: '2026-12-01', list: 'contract 7' },
    { customerId: 5, day: '2022-02-28', list: undefined },
  ])('R5: customer $customerId on $day → $list', ({ customerId, day, list }) => {
    expect(priceListFor(lists, 'whatsapp_otp', customerId, day)?.name).toBe(list);
  });
});

describe('R5–R7, R10: draftInvoiceFor', () => {
  it.each([
    // The tier is chosen by the total of all operators (R5): 600 + 500 = 1 100 parts reach the 1 000 tier.
    { parts: [600, 500], unitPrices: [300, 250] },
    { parts: [600, 300], unitPrices: [400, 350] },
    { parts: [0, 999], unitPrices: [null, 350] },
  ])('R5/R6: telkomsel $parts.0 and indosat $parts.1 parts', ({ parts, unitPrices }) => {
    const outcome = draftInvoiceFor(
      usageOf(5, [
        { product: 'whatsapp_otp', operator: 'telkomsel', messages: parts[0]!, parts: parts[0]! },
        { product: 'whatsapp_otp', operator: 'indosat', messages: parts[1]!, parts: parts[1]! },
      ]),
      lists,
      ppn12,
      { balance: 10_000_000, quotaOverride: null },
    );
    if (outcome.kind !== 'draft') throw new Error(`expected a draft, got ${outcome.kind}`);
    const { draft } = outcome;
    const expected = parts
      .map((p, i) => ({ parts: p, unitPrice: unitPrices[i] }))
      .filter((l) => l.parts > 0)
      .map((l) => ({ parts: l.parts, unitPrice: l.unitPrice, amount: l.parts * l.unitPrice! }));
    expect(draft.lines.map((l) => ({ parts: l.parts, unitPrice: l.unitPrice, amount: l.amount }))).toEqual(
      expected,
    );
    const subtotal = expected.reduce((s, l) => s + l.amount, 0);
    expect(draft.subtotal).toBe(subtotal);
    expect(draft.tax).toBe(taxFor(subtotal, ppn12));
    expect(draft.total).toBe(subtotal + draft.tax);
    expect(draft.parts).toBe(parts[0]! + parts[1]!);
    expect(draft.quota).toBe(20_000_000);
    expect(draft.partsPerDay.map((d) => d.date)).toEqual(['2026-10-01', '2026-10-02']);
  });

  it('R10: an override is the quota the invoice states', () => {
    const outcome = draftInvoiceFor(
      usageOf(5, [{ product: 'whatsapp_otp', operator: 'telkomsel', messages: 1, parts: 1 }]),
      lists,
      ppn12,
      { balance: 10_000_000, quotaOverride: 50_000_000 },
    );
    expect(outcome.kind === 'draft' && outcome.draft.quota).toBe(50_000_000);
  });

  it.each([
    {
      name: 'R7: messages but no billable parts → no invoice',
      usage: usageOf(5, [{ product: 'whatsapp_otp', operator: 'telkomsel', messages: 3, parts: 0 }]),
      taxRule: ppn12,
      kind: 'nothing_billable',
      reason: undefined,
    },
    {
      name: 'R6: no tax rule in force → parked, naming the invoice date',
      usage: usageOf(5, [{ product: 'whatsapp_otp', operator: 'telkomsel', messages: 1, parts: 1 }]),
      taxRule: undefined,
      kind: 'parked',
      reason: /no tax rule is in force on the invoice date 2026-11-01/,
    },
    {
      name: 'R5: a product without a price list → parked',
      usage: usageOf(5, [{ product: 'sms', operator: 'telkomsel', messages: 1, parts: 1 }]),
      taxRule: ppn12,
      kind: 'parked',
      reason: /has usage of sms in the period but no price list in force on 2026-10-01/,
    },
    {
      name: 'R18: a graduated list whose usage was not counted by band → parked, saying so',
      usage: usageOf(8, [{ product: 'whatsapp_otp', operator: 'telkomsel', messages: 1, parts: 1 }]),
      taxRule: ppn12,
      kind: 'parked',
      reason: /price list 'graduated 8' is graduated, but the usage of whatsapp_otp was not counted by band/,
    },
    {
      name: 'R18: a graduated list with usage counted by band → a draft, one line per band',
      usage: usageOf(8, [
        { product: 'whatsapp_otp', operator: 'telkomsel', messages: 1, parts: 999, bandMinParts: 0 },
        { product: 'whatsapp_otp', operator: 'telkomsel', messages: 0, parts: 1, bandMinParts: 1000 },
      ]),
      taxRule: ppn12,
      kind: 'draft',
      reason: undefined,
    },
  ])('$name', ({ usage, taxRule, kind, reason }) => {
    const outcome = draftInvoiceFor(usage, lists, taxRule, { balance: 0, quotaOverride: null });
    expect(outcome.kind).toBe(kind);
    if (reason) expect(outcome.kind === 'parked' && outcome.reason).toMatch(reason);
  });
});
