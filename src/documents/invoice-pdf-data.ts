/** Everything the invoice PDF shows, as plain values: the renderer reads nothing else. */
export interface InvoicePdfData {
  /** DRAFT watermark, and 'DRAFT' instead of a number. */
  readonly draft: boolean;
  /** R16: a void invoice re-rendered with the BATAL / VOID mark (its number and amounts as issued). */
  readonly voided?: boolean;
  /** R16: customer credit used on this invoice ("Kredit digunakan"); absent or 0: none. */
  readonly creditUsed?: number;
  /** The template version the invoice was issued with (invoices.template_version); a draft: the current one. */
  readonly templateVersion?: number;
  readonly seller: {
    readonly name: string;
    readonly address: ReadonlyArray<string>;
    readonly npwp: string;
    readonly email: string;
    readonly whatsapp: string;
  };
  /**
   * R17: the seller's tax identity as on its Faktur Pajak (config.seller: 16-digit NPWP, 22-digit NITKU, and whether
   * they are the demo defaults). Shown by template version 3 and later, which require it.
   */
  readonly sellerTax?: { readonly npwp: string; readonly nitku: string; readonly isDemo: boolean };
  /** R17: the No. Faktur Pajak Coretax gave the invoice, once imported; null before. Shown by version 3 and later. */
  readonly fakturNumber?: string | null;
  readonly bank: { readonly bankName: string; readonly accountName: string; readonly accountNumber: string };
  readonly buyer: {
    readonly code: string;
    readonly name: string;
    readonly address: string | null;
    readonly npwp: string | null;
  };
  /** 'INV/2026/11/00042' */
  readonly number: string;
  /** 'YYYY-MM-DD' */
  readonly invoiceDate: string;
  readonly dueDate: string;
  /** 'YYYY-MM-DD', first day of the period. */
  readonly periodStart: string;
  /** 'YYYY-MM-DD', last day of the period, inclusive. */
  readonly periodEnd: string;
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly messages: number;
    readonly parts: number;
    readonly unitPrice: number | null;
    readonly amount: number;
  }>;
  /** Penggantian (Harga Jual in template version 1): the subtotal. */
  readonly subtotal: number;
  readonly tax: {
    /** 'PPN 12%' */
    readonly label: string;
    /** DPP Nilai Lain × 100; null when the tax rule has no DPP (PPN 11%). */
    readonly dppHundredths: number | null;
    /** R6: DPP Nilai Lain in whole rupiah (PER-11, from 22 May 2025); shown instead of dppHundredths when set. */
    readonly dpp?: number | null;
    readonly amount: number;
  };
  readonly total: number;
  /** Guarantee deposit, the month's quota (2 × deposit or the override), usage value of the period. */
  readonly deposit: { readonly balance: number; readonly quota: number; readonly used: number };
  /**
   * R18: per product, the price list in force and the tier the month reached ('WhatsApp OTP', 'WhatsApp OTP
   * Pascabayar 1 Maret 2022', volume, 1000–4999). Shown by template version 2 and later.
   */
  readonly priceLists?: ReadonlyArray<{
    readonly product: string;
    readonly name: string;
    readonly mode: 'volume' | 'graduated';
    readonly tierFrom: number;
    readonly tierTo: number | null;
  }>;
  /** One entry for every day of the period. */
  readonly partsPerDay: ReadonlyArray<{ readonly date: string; readonly parts: number }>;
}
