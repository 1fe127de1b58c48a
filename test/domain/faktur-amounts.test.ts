import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateLargestRemainder, fakturLinesFor } from '../../src/domain/faktur-amounts.ts';
import { fakturProblemsOf } from '../../src/domain/faktur-checks.ts';
import { fakturFiguresOn, taxRuleOn } from '../fixtures/tax-rules.ts';

describe('R6 figures of a Faktur Pajak', () => {
  it('R6: from 22 May 2025 DPP and PPN are whole rupiah rounded half up: 349 650 → 320 513 → 38 462', () => {
    expect(fakturFiguresOn(349_650, '2026-11-01')).toEqual({ dpp: 320_513, ppn: 38_462 });
    // Before, the PPN was floor(subtotal × 11 / 100); the XML's DPP is 11/12 of the subtotal rounded half up.
    expect(fakturFiguresOn(349_650, '2025-05-21')).toEqual({ dpp: 320_513, ppn: 38_461 });
    expect(fakturFiguresOn(1_000, '2024-12-31')).toEqual({ dpp: 1_000, ppn: 110 });
  });

  it('R6: allocation by largest remainder adds up exactly, earlier line first on a tie', () => {
    expect(allocateLargestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocateLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 12 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = allocateLargestRemainder(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0);
          for (const [i, p] of parts.entries()) {
            expect(Math.abs(p - (total * weights[i]!) / sum)).toBeLessThan(1.000001);
          }
        },
      ),
    );
  });

  it('R6: the lines carry TaxBase = amount, Σ OtherTaxBase = DPP, Σ VAT = the stored PPN', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            parts: fc.integer({ min: 1, max: 2_000_000 }),
            unitPrice: fc.constantFrom(300, 340, 350),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (raw) => {
          const lines = raw.map((l) => ({ ...l, amount: l.parts * l.unitPrice }));
          const subtotal = lines.reduce((a, l) => a + l.amount, 0);
          const f = fakturFiguresOn(subtotal, '2026-11-01');
          const out = fakturLinesFor(lines, f.dpp, f.ppn);
          expect(out.map((l) => l.price * l.qty)).toEqual(lines.map((l) => l.amount));
          expect(out.reduce((a, l) => a + l.otherTaxBase, 0)).toBe(f.dpp);
          expect(out.reduce((a, l) => a + l.vat, 0)).toBe(f.ppn);
          // Each line's VAT stays within a rupiah of 12 % of its OtherTaxBase.
          for (const l of out) expect(Math.abs(l.vat - l.otherTaxBase * 0.12)).toBeLessThan(1.5);
        },
      ),
    );
  });

  it('R6: a graduated line without a unit price goes as its amount once', () => {
    expect(fakturLinesFor([{ parts: 1500, unitPrice: null, amount: 512_300 }], 469_608, 56_353)).toEqual([
      { price: 512_300, qty: 1, taxBase: 512_300, otherTaxBase: 469_608, vat: 56_353 },
    ]);
  });
});

describe('R17 checks before the XML', () => {
  const good = {
    number: 'INV/2026/11/00001',
    customerCode: 'ACME',
    invoiceDate: '2026-11-01',
    periodStart: '2026-10-01',
    subtotal: 349_650,
    tax: 38_462,
    lineAmounts: [349_650],
    buyerName: 'PT Acme',
    buyerAddress: 'Jl. Merdeka 1',
    buyer: { documentType: 'TIN' as const, documentNumber: '0012345678012000', nitku: null, country: 'IDN' },
    taxRule: taxRuleOn('2026-11-01'),
  };

  it('R17: a complete invoice passes', () => {
    expect(fakturProblemsOf(good, '2026-12-01')).toEqual([]);
  });

  it.each([
    [{ buyer: null }, 'BuyerDocument'],
    [{ buyerAddress: ' ' }, 'BuyerAdress'],
    [{ buyer: { ...good.buyer, documentNumber: '123' } }, 'BuyerTin'],
    [{ buyer: { ...good.buyer, nitku: '0012' } }, 'BuyerIDTKU'],
    [{ buyer: { ...good.buyer, country: 'SGP' } }, 'BuyerCountry'],
    [
      { invoiceDate: '2024-12-31', periodStart: '2024-11-01', tax: 38_461, taxRule: taxRuleOn('2024-12-31') },
      'TaxInvoiceDate',
    ],
    [{ invoiceDate: '2026-09-30' }, 'TaxInvoiceDate'],
    [{ invoiceDate: '2026-12-02' }, 'TaxInvoiceDate'],
    [{ tax: 38_461 }, 'VAT'],
    [{ lineAmounts: [349_000] }, 'TaxBase'],
    [{ lineAmounts: [], subtotal: 0, tax: 0 }, 'ListOfGoodService'],
    [{ invoiceDate: '2022-03-31', periodStart: '2022-03-01', taxRule: undefined }, 'VAT'],
  ])('R17: %o is refused at %s', (change, field) => {
    const problems = fakturProblemsOf({ ...good, ...change }, '2026-12-01');
    expect(problems.map((p) => p.field)).toContain(field);
  });
});
