import { describe, expect, it } from 'vitest';
import { type CreditNoteForFaktur, fakturCorrectionsOf } from '../../src/domain/faktur-corrections.ts';
import { fakturFiguresOn, taxRuleOn } from '../fixtures/tax-rules.ts';

// An invoice of 1 November 2026: Penggantian 349 650, PPN 38 462 (R6: DPP 320 513).
const note = (over: Partial<CreditNoteForFaktur>): CreditNoteForFaktur => ({
  number: 'CN/2026/11/00001',
  creditDate: '2026-11-20',
  invoiceId: 1,
  invoiceNumber: 'INV/2026/11/00001',
  customerCode: 'ACME',
  invoiceSubtotal: 349_650,
  invoiceTax: 38_462,
  subtotal: 49_650,
  tax: fakturFiguresOn(49_650, '2026-11-20').ppn,
  creditRule: taxRuleOn('2026-11-20'),
  invoiceRule: taxRuleOn('2026-11-01'),
  exported: true,
  fakturNumber: '04002600000000123',
  ...over,
});

describe('R16/R17: the Coretax step of a credit note', () => {
  it('R17: a partial credit is a Faktur Pengganti to the figures left, by R6 on the invoice date', () => {
    const [c] = fakturCorrectionsOf([note({})]);
    const after = fakturFiguresOn(300_000, '2026-11-01');
    expect(c).toMatchObject({
      step: 'pengganti',
      subtotal: 49_650,
      dpp: fakturFiguresOn(49_650, '2026-11-20').dpp,
      subtotalAfter: 300_000,
      dppAfter: after.dpp,
      ppnAfter: 38_462 - c!.ppn,
    });
    expect(c!.instruction).toContain('edit faktur 04002600000000123 > Amend (Ganti)');
    expect(c!.instruction).toContain('Penggantian Rp 300.000, DPP Nilai Lain Rp 275.000, PPN Rp 33.000,');
    expect(c!.instruction).not.toContain('Coretax will compute'); // books and Coretax agree here
  });

  it('R16: credit notes of one invoice add up; the one that credits the rest is a pembatalan', () => {
    const first = note({});
    const rest = note({ number: 'CN/2026/11/00002', subtotal: 300_000, tax: 38_462 - first.tax });
    const other = note({ number: 'CN/2026/11/00003', invoiceId: 2, invoiceNumber: 'INV/2026/11/00002' });
    const [a, b, c] = fakturCorrectionsOf([first, other, rest]);
    expect([a!.step, b!.step, c!.step]).toEqual(['pengganti', 'pengganti', 'pembatalan']);
    expect(b!.subtotalAfter).toBe(300_000); // the other invoice's own
    expect(c).toMatchObject({ subtotalAfter: 0, ppnAfter: 0 });
    expect(c!.instruction).toContain('cancel (Batal) faktur 04002600000000123');
  });

  it('R17: a full credit of an invoice never exported needs nothing in Coretax; a partial one waits for its faktur', () => {
    const unexported = { exported: false, fakturNumber: null };
    const [full] = fakturCorrectionsOf([note({ ...unexported, subtotal: 349_650, tax: 38_462 })]);
    expect(full!.step).toBe('none');
    const [part] = fakturCorrectionsOf([note(unexported)]);
    expect(part!.step).toBe('pengganti');
    expect(part!.instruction).toContain('faktur of INV/2026/11/00001 once it is exported and approved');
  });

  it("R6: when Coretax's PPN from the DPP left is not the books' figure, the instruction says so", () => {
    // 1 rupiah more PPN credited than R6 gives on what is left: the books and Coretax part by 1.
    const [c] = fakturCorrectionsOf([note({ tax: fakturFiguresOn(49_650, '2026-11-20').ppn + 1 })]);
    // 38 462 − (5 462 + 1) = 32 999 in the books; Coretax: roundHalfUp(275 000 × 12 %) = 33 000.
    expect(c!.instruction).toContain(
      'Coretax will compute PPN Rp 33.000 from that DPP, the books hold Rp 32.999',
    );
  });
});
