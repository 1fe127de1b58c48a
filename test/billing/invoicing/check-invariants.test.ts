import { describe, expect, it } from 'vitest';
import {
  type BilledLine,
  checkInvariants,
  type InvoiceDraft,
} from '../../../src/billing/invoicing/compute-invoices.ts';

const rule = {
  id: 2,
  effectiveFrom: '2025-01-01',
  label: 'PPN 12%',
  ratePercent: 12,
  dppNumerator: 11,
  dppDenominator: 12,
  rounding: 'floor' as const,
  roundDppFirst: false,
};

function draft(over: Partial<InvoiceDraft> = {}): InvoiceDraft {
  return {
    customerId: 7,
    customerCode: 'ACME',
    customerName: 'PT Acme',
    lines: [
      {
        product: 'whatsapp_otp',
        operator: 'telkomsel',
        messages: 900,
        parts: 1000,
        unitPrice: 340,
        amount: 340_000,
        priceListId: 1,
        bandMinParts: 1000,
      },
      {
        product: 'whatsapp_otp',
        operator: 'xl',
        messages: 10,
        parts: 10,
        unitPrice: 340,
        amount: 3_400,
        priceListId: 1,
        bandMinParts: 1000,
      },
    ],
    messages: 910,
    parts: 1010,
    subtotal: 343_400,
    tax: 37_774,
    total: 381_174,
    taxRule: rule,
    dppHundredths: 31_478_333,
    dpp: null,
    depositBalance: 10_000_000,
    quota: 20_000_000,
    partsPerDay: [],
    priceLists: [],
    ...over,
  };
}

const billedAsDrafted: BilledLine[] = [
  { product: 'whatsapp_otp', operator: 'telkomsel', messages: 900, parts: 1000 },
  { product: 'whatsapp_otp', operator: 'xl', messages: 10, parts: 10 },
];

describe('the invariant checks before issuing (R7)', () => {
  it('R7: a draft that agrees with what its detail bills passes', () => {
    expect(checkInvariants([draft()], new Map([[7, billedAsDrafted]]))).toEqual(new Map());
  });

  it.each([
    [
      'Σ lines ≠ subtotal',
      { subtotal: 343_401, total: 381_175 },
      billedAsDrafted,
      /Σ lines 343400 ≠ subtotal 343401/,
    ],
    [
      'total ≠ subtotal + tax',
      { total: 381_000 },
      billedAsDrafted,
      /total 381000 ≠ subtotal 343400 \+ tax 37774/,
    ],
    [
      'the detail bills a part more',
      {},
      [{ ...billedAsDrafted[0]!, parts: 1001 }, billedAsDrafted[1]!],
      /parts 1010 ≠ Σ message parts 1011; .*Σ detail amounts 343740 ≠ subtotal 343400/,
    ],
    [
      'the detail bills a message of an operator without a line',
      {},
      [...billedAsDrafted, { product: 'whatsapp_otp', operator: 'other', messages: 1, parts: 1 }],
      /messages 910 ≠ billable messages 911/,
    ],
  ])('R7: %s parks the customer with the reason', (_what, over, billed, reason) => {
    const failures = checkInvariants([draft(over)], new Map([[7, billed]]));
    expect(failures.get(7)).toMatch(/^invoice check failed: /);
    expect(failures.get(7)).toMatch(reason);
  });
});
