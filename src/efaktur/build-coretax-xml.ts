import { create } from 'xmlbuilder2';
import type { FakturLine } from '../domain/faktur-amounts.ts';
import { type BuyerTaxIdentity, buyerIdtkuOf } from '../domain/tax-ids.ts';
import {
  BUYER_DOCUMENT_XML,
  NO_TIN,
  OPT_SERVICE,
  SERVICE_CODE,
  TAX_INVOICE_OPT,
  TRX_CODE,
  UNIT_CODE,
  VAT_RATE,
} from './coretax-codes.ts';

/** One invoice, ready for its TaxInvoice element (amounts already per R6, whole rupiah). */
export interface TaxInvoiceData {
  readonly number: string;
  readonly invoiceDate: string;
  readonly buyerName: string;
  readonly buyerAddress: string;
  readonly buyerEmail: string;
  readonly buyer: BuyerTaxIdentity;
  readonly lines: ReadonlyArray<{ readonly name: string; readonly figures: FakturLine }>;
}

export interface SellerTax {
  readonly npwp: string;
  readonly nitku: string;
}

function buyerFields(b: BuyerTaxIdentity): Record<string, string> {
  const isTin = b.documentType === 'TIN';
  return {
    BuyerTin: isTin ? b.documentNumber : NO_TIN,
    BuyerDocument: BUYER_DOCUMENT_XML[b.documentType],
    BuyerCountry: b.country,
    // With a TIN the NPWP says it all; Coretax wants the number of the other documents here.
    BuyerDocumentNumber: isTin ? '' : b.documentNumber,
  };
}

function taxInvoice(inv: TaxInvoiceData, seller: SellerTax): Record<string, unknown> {
  const { BuyerTin, BuyerDocument, BuyerCountry, BuyerDocumentNumber } = buyerFields(inv.buyer);
  return {
    TaxInvoiceDate: inv.invoiceDate,
    TaxInvoiceOpt: TAX_INVOICE_OPT,
    TrxCode: TRX_CODE, // R17: DPP Nilai Lain
    AddInfo: '',
    CustomDoc: '',
    RefDesc: inv.number, // R17: our invoice number, by which the faktur number comes back
    FacilityStamp: '',
    SellerIDTKU: seller.nitku,
    BuyerTin,
    BuyerDocument,
    BuyerCountry,
    BuyerDocumentNumber,
    BuyerName: inv.buyerName,
    BuyerAdress: inv.buyerAddress, // sic: Coretax's element name
    BuyerEmail: inv.buyerEmail,
    BuyerIDTKU: buyerIdtkuOf(inv.buyer),
    ListOfGoodService: {
      GoodService: inv.lines.map(({ name, figures: f }) => ({
        Opt: OPT_SERVICE,
        Code: SERVICE_CODE,
        Name: name,
        Unit: UNIT_CODE,
        Price: String(f.price),
        Qty: String(f.qty),
        TotalDiscount: '0',
        TaxBase: String(f.taxBase),
        OtherTaxBase: String(f.otherTaxBase),
        VATRate: String(VAT_RATE),
        VAT: String(f.vat),
        STLGRate: '0',
        STLG: '0',
      })),
    },
  };
}

/** R17: one Coretax TaxInvoiceBulk document (xmlbuilder2 escapes every text). */
export function buildCoretaxXml(seller: SellerTax, invoices: ReadonlyArray<TaxInvoiceData>): string {
  const doc = create(
    { version: '1.0', encoding: 'UTF-8' },
    {
      TaxInvoiceBulk: {
        '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        '@xsi:noNamespaceSchemaLocation': 'TaxInvoice.xsd',
        TIN: seller.npwp,
        ListOfTaxInvoice: { TaxInvoice: invoices.map((inv) => taxInvoice(inv, seller)) },
      },
    },
  );
  return `${doc.end({ prettyPrint: true })}\n`;
}
