// R17: the fixed codes of tagih's tax invoices in Coretax.
//
// Sources (the tax office's own reference tables, as the Coretax e-Faktur module and its XML converter
// publish them):
// - Kode Barang/Jasa: the Coretax e-Faktur reference list of goods and services codes (DJP; PER-11/PJ/2025
//   Lampiran D: "kode barang atau jasa diisi sesuai dengan yang tersedia dalam modul e-Faktur"). Services
//   group 17 is "Jasa Telekomunikasi, Penyiaran dan Penyediaan Informasi"; 1701 "Jasa Telepon dan Alat-Alat
//   Telekomunikasi Lainnya"; 170109 "Jasa telekomunikasi lainnya". A WhatsApp/SMS OTP gateway sells
//   messaging, which is neither fixed or mobile telephony (170102/170103), a private network (170104) nor
//   internet access (1702): 170109 fits. The same table is carried as data by Odoo's Coretax localisation
//   (odoo/odoo addons/l10n_id_efaktur_coretax/data/l10n_id_efaktur_coretax.product.code.csv).
// - Satuan ukur (unit of measure): the Coretax e-Faktur unit list, UM.0001 … UM.0039 (same Odoo data file
//   l10n_id_efaktur_coretax.uom.code.csv; the units for services are listed in pajakku.com's "Daftar Satuan
//   Ukur Barang Jasa Kena Pajak di Coretax DJP"). Services have Bulan, Hari, Jam, Kegiatan, Laporan, Menit,
//   Minggu, Persen, Tahun, Bahan and Lainnya; a message part is none of these, so UM.0033 "Lainnya" (Other).
// - TrxCode 04 "DPP Nilai Lain" (PMK 131/2024: 11/12 of the price), TaxInvoiceOpt Normal, Opt B (Jasa), and
//   BuyerDocument TIN / National ID / Passport / Other ID: the TaxInvoiceBulk format of the DJP's e-Faktur
//   XML converter (ConverterEfakturCoretax, pajak.go.id).

/** Kode jasa 170109: Jasa telekomunikasi lainnya. */
export const SERVICE_CODE = '170109';
/** Satuan UM.0033: Lainnya. */
export const UNIT_CODE = 'UM.0033';
/** Kode transaksi 04: DPP Nilai Lain. */
export const TRX_CODE = '04';
/** GoodService Opt: A = barang (goods), B = jasa (services). */
export const OPT_SERVICE = 'B';
export const TAX_INVOICE_OPT = 'Normal';
/** R6: PPN 12 % of DPP Nilai Lain. */
export const VAT_RATE = 12;
/** At most 1 000 invoices in one TaxInvoiceBulk file (R17). */
export const INVOICES_PER_FILE = 1000;
/** BuyerTin of a buyer identified by NIK, passport or other ID (Coretax wants 16 zeros then). */
export const NO_TIN = '0000000000000000';

/** BuyerDocument values of the XML for tagih's document types. */
export const BUYER_DOCUMENT_XML = {
  TIN: 'TIN',
  NIK: 'National ID',
  passport: 'Passport',
  other: 'Other ID',
} as const;
