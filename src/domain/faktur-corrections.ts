// R16/R17: what a credit note asks of the Faktur Pajak of the invoice it corrects. Coretax's XML import
// (TaxInvoiceBulk) creates new output faktur only: it has no form for replacing or cancelling one, and a retur
// (Retur Pajak Masukan) is the buyer's. So a seller's correction is a manual step in Coretax (PER-11/PJ/2025 art. 48):
// a Faktur Pengganti (kode status 1) when the supply still stands at a lower price, a pembatalan when all of it is
// credited. Pure: values in, values out.
import { formatNumberId, type Rupiah } from './money.ts';
import { type TaxRule, taxFor, wholeDppFor } from './tax.ts';

/** A credit note with what the step needs of its invoice, as stored. */
export interface CreditNoteForFaktur {
  readonly number: string;
  readonly creditDate: string;
  readonly invoiceId: number;
  readonly invoiceNumber: string;
  readonly customerCode: string;
  readonly invoiceSubtotal: Rupiah;
  readonly invoiceTax: Rupiah;
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  /** R6: the rules in force on the credit date (the credit note's PPN) and on the invoice date (its faktur's). */
  readonly creditRule: TaxRule | undefined;
  readonly invoiceRule: TaxRule | undefined;
  /** The invoice went into a Coretax XML (the export log) or has its faktur number imported. */
  readonly exported: boolean;
  readonly fakturNumber: string | null;
}

export type CoretaxStep = 'pengganti' | 'pembatalan' | 'none';

export interface FakturCorrection {
  readonly creditNote: string;
  readonly creditDate: string;
  readonly invoice: string;
  readonly customer: string;
  readonly fakturNumber: string | null;
  /** The credit note's own figures: Penggantian credited, its DPP Nilai Lain and PPN. */
  readonly subtotal: Rupiah;
  readonly dpp: Rupiah | null;
  readonly ppn: Rupiah;
  /** The faktur after this and the earlier credit notes of the invoice: Penggantian, DPP Nilai Lain, PPN. */
  readonly subtotalAfter: Rupiah;
  readonly dppAfter: Rupiah | null;
  readonly ppnAfter: Rupiah;
  readonly step: CoretaxStep;
  /** What the clerk does in Coretax, in words. */
  readonly instruction: string;
}

const rp = (n: number) => `Rp ${formatNumberId(n)}`;

function instructionFor(
  step: CoretaxStep,
  n: CreditNoteForFaktur,
  after: Pick<FakturCorrection, 'subtotalAfter' | 'dppAfter' | 'ppnAfter'>,
): string {
  const faktur =
    n.fakturNumber ??
    (n.exported
      ? `of ${n.invoiceNumber} (its number is not imported yet)`
      : `of ${n.invoiceNumber} once it is exported and approved`);
  if (step === 'none') {
    return `Nothing in Coretax: ${n.invoiceNumber} was never exported and is credited in full, so it has no faktur to correct.`;
  }
  if (step === 'pembatalan') {
    return `Pembatalan: in Coretax e-Faktur > Pajak Keluaran, cancel (Batal) faktur ${faktur}; once the buyer has credited it, the cancellation waits for the buyer's approval (Waiting For Cancelation).`;
  }
  // R6: Coretax recomputes the PPN from the DPP keyed in; say so when that is not the books' figure.
  const coretaxPpn = n.invoiceRule ? taxFor(after.subtotalAfter, n.invoiceRule) : after.ppnAfter;
  const differs =
    coretaxPpn === after.ppnAfter
      ? ''
      : ` Coretax will compute PPN ${rp(coretaxPpn)} from that DPP, the books hold ${rp(after.ppnAfter)}: ask the tax adviser which to keep.`;
  const dpp = after.dppAfter === null ? '' : `, DPP Nilai Lain ${rp(after.dppAfter)}`;
  return `Faktur Pengganti: in Coretax e-Faktur > Pajak Keluaran, edit faktur ${faktur} > Amend (Ganti), change its service lines to Penggantian ${rp(after.subtotalAfter)}${dpp}, PPN ${rp(after.ppnAfter)}, Save Amend and sign; the buyer approves when it has credited the faktur (Waiting For Amendment).${differs}`;
}

/**
 * R16/R17: the Coretax step of each credit note (given in number order): the figures the invoice's faktur must carry
 * after it and the earlier ones of the same invoice, and whether that is a Faktur Pengganti or a pembatalan.
 */
export function fakturCorrectionsOf(notes: ReadonlyArray<CreditNoteForFaktur>): FakturCorrection[] {
  const credited = new Map<number, { subtotal: number; tax: number }>();
  return notes.map((n) => {
    const before = credited.get(n.invoiceId) ?? { subtotal: 0, tax: 0 };
    const sum = { subtotal: before.subtotal + n.subtotal, tax: before.tax + n.tax };
    credited.set(n.invoiceId, sum);
    const subtotalAfter = n.invoiceSubtotal - sum.subtotal;
    const after = {
      subtotalAfter,
      dppAfter: n.invoiceRule ? wholeDppFor(subtotalAfter, n.invoiceRule) : null,
      ppnAfter: n.invoiceTax - sum.tax,
    };
    const step: CoretaxStep = subtotalAfter > 0 ? 'pengganti' : n.exported ? 'pembatalan' : 'none';
    return {
      creditNote: n.number,
      creditDate: n.creditDate,
      invoice: n.invoiceNumber,
      customer: n.customerCode,
      fakturNumber: n.fakturNumber,
      subtotal: n.subtotal,
      dpp: n.creditRule ? wholeDppFor(n.subtotal, n.creditRule) : null,
      ppn: n.tax,
      ...after,
      step,
      instruction: instructionFor(step, n, after),
    };
  });
}
