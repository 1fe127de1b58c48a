// R17: the checks an invoice passes before it goes into a Coretax XML. Pure: today is a parameter.
import { fakturFiguresFor } from './faktur-amounts.ts';
import { formatNumberId } from './money.ts';
import type { TaxRule } from './tax.ts';
import { type BuyerTaxIdentity, buyerIdtkuOf, INDONESIA } from './tax-ids.ts';

/** Coretax, and TrxCode 04 (DPP Nilai Lain), take tax invoices dated from 2025 on. */
export const CORETAX_FROM = '2025-01-01';

/** What the checks need of an invoice (as stored: issued invoices keep their amounts). */
export interface FakturCandidate {
  readonly number: string;
  readonly customerCode: string;
  /** 'YYYY-MM-DD'. */
  readonly invoiceDate: string;
  /** First day of the billing period, 'YYYY-MM-DD'. */
  readonly periodStart: string;
  readonly subtotal: number;
  readonly tax: number;
  /** R6: the tax rule in force on invoiceDate (taxRuleFor over the tax_rules rows); undefined when none is. */
  readonly taxRule: TaxRule | undefined;
  readonly lineAmounts: ReadonlyArray<number>;
  readonly buyerName: string;
  readonly buyerAddress: string | null;
  readonly buyer: BuyerTaxIdentity | null;
}

/** A refusal: the XML element at fault and why. */
export interface FakturProblem {
  readonly field: string;
  readonly message: string;
}

/** What a customer still lacks before its invoices can have a Faktur Pajak (empty: complete). */
export function missingBuyerData(
  buyer: BuyerTaxIdentity | null,
  address: string | null,
): ReadonlyArray<FakturProblem> {
  const out: FakturProblem[] = [];
  if (buyer === null) {
    out.push({
      field: 'BuyerDocument',
      message: 'no buyer tax identity (document type TIN, NIK, passport or other, and its number)',
    });
  } else {
    const digits16 = /^\d{16}$/;
    if (
      (buyer.documentType === 'TIN' || buyer.documentType === 'NIK') &&
      !digits16.test(buyer.documentNumber)
    ) {
      out.push({
        field: buyer.documentType === 'TIN' ? 'BuyerTin' : 'BuyerDocumentNumber',
        message: `${buyer.documentType === 'TIN' ? 'NPWP' : 'NIK'} '${buyer.documentNumber}' is not 16 digits`,
      });
    }
    const idtku = buyerIdtkuOf(buyer);
    if (!/^(\d{22}|000000)$/.test(idtku))
      out.push({ field: 'BuyerIDTKU', message: `NITKU '${idtku}' is not 22 digits` });
    if ((buyer.documentType === 'TIN' || buyer.documentType === 'NIK') && buyer.country !== INDONESIA) {
      out.push({
        field: 'BuyerCountry',
        message: `country ${buyer.country} with an Indonesian ${buyer.documentType}; expected ${INDONESIA}`,
      });
    }
  }
  if (!address || address.trim() === '') out.push({ field: 'BuyerAdress', message: 'no address' });
  return out;
}

function dateProblems(c: FakturCandidate, today: string): FakturProblem[] {
  const out: FakturProblem[] = [];
  if (c.invoiceDate < CORETAX_FROM) {
    out.push({
      field: 'TaxInvoiceDate',
      message: `${c.invoiceDate} is before ${CORETAX_FROM}: Coretax and TrxCode 04 (DPP Nilai Lain) take tax invoices from 2025 on`,
    });
  }
  if (c.invoiceDate < c.periodStart) {
    out.push({
      field: 'TaxInvoiceDate',
      message: `${c.invoiceDate} is before the billing period it taxes (from ${c.periodStart})`,
    });
  }
  if (c.invoiceDate > today) {
    out.push({
      field: 'TaxInvoiceDate',
      message: `${c.invoiceDate} is after today (${today}); Coretax refuses a future date`,
    });
  }
  return out;
}

function amountProblems(c: FakturCandidate): FakturProblem[] {
  const out: FakturProblem[] = [];
  if (c.lineAmounts.length === 0)
    out.push({ field: 'ListOfGoodService', message: 'the invoice has no lines' });
  const sum = c.lineAmounts.reduce((a, b) => a + b, 0);
  if (sum !== c.subtotal) {
    out.push({
      field: 'TaxBase',
      message: `the lines add up to ${formatNumberId(sum)}, the invoice's subtotal is ${formatNumberId(c.subtotal)}`,
    });
  }
  if (c.taxRule === undefined) {
    out.push({
      field: 'VAT',
      message: `no tax rule is in force on the invoice date ${c.invoiceDate} (R6); add one to tax_rules`,
    });
    return out;
  }
  const figures = fakturFiguresFor(c.subtotal, c.taxRule);
  // R6: the PPN of the faktur must be the invoice's PPN, and both must be the rule's figure for the date.
  if (figures.ppn !== c.tax) {
    out.push({
      field: 'VAT',
      message: `the invoice's PPN is ${formatNumberId(c.tax)} but R6 gives ${formatNumberId(figures.ppn)} for a subtotal of ${formatNumberId(c.subtotal)} on ${c.invoiceDate} (DPP ${formatNumberId(figures.dpp)}); correct the invoice with a credit note before its faktur is made`,
    });
  }
  return out;
}

/** R17: every reason `c` cannot go into the XML (empty: it can). */
export function fakturProblemsOf(c: FakturCandidate, today: string): ReadonlyArray<FakturProblem> {
  return [...missingBuyerData(c.buyer, c.buyerAddress), ...dateProblems(c, today), ...amountProblems(c)];
}
