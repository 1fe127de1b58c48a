import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/connect.ts';
import {
  existingDetail,
  type InvoicePaths,
  invoicePathsOf,
  monthFolder,
  registerPathIn,
} from '../../documents/invoice-paths.ts';
import { renderInvoicePdf } from '../../documents/invoice-pdf.ts';
import type { InvoicePdfData } from '../../documents/invoice-pdf-data.ts';
import type { PdfRenderer } from '../../documents/pdf-pool.ts';
import { writePrintPack } from '../../documents/print-pack.ts';
import { type RegisterRow, writeRegister } from '../../documents/register-csv.ts';
import { writeFileAtomic } from '../../documents/write-atomic.ts';
import {
  type DocumentSource,
  type InvoiceFiles,
  writeInvoiceDocuments,
} from '../../documents/write-invoice-documents.ts';
import { addDays } from '../../domain/dates.ts';
import { creditedOf, openAmount } from '../../domain/invoice-balance.ts';
import { writeCreditNotesCsv } from '../credit-notes/credit-note-files.ts';
import { graduatedOf, priceListsOfInvoice } from './invoice-price-lists.ts';

export type { InvoiceFiles } from '../../documents/write-invoice-documents.ts';

/** 00:00 WIB of a 'YYYY-MM-DD' day as an instant (R1). */
export function wibMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

type InvoiceRow = Awaited<ReturnType<typeof loadInvoices>>[number];

/** A month's invoices in number order, or the one invoice `id`. */
async function loadInvoices(db: Db, which: { readonly period: string } | { readonly id: number }) {
  const query = db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    // R17: the faktur number imported from Coretax, printed by template version 3 on later copies.
    .leftJoin('faktur_numbers as f', 'f.invoice_id', 'i.id')
    .select([
      'f.faktur_number',
      'i.id',
      'i.number',
      'i.customer_id',
      'i.period',
      'i.period_end',
      'i.invoice_date',
      'i.due_date',
      'i.messages',
      'i.parts',
      'i.subtotal',
      'i.tax',
      'i.total',
      'i.tax_label',
      'i.dpp_hundredths',
      'i.dpp',
      'i.deposit_balance',
      'i.quota',
      'i.snapshot',
      'i.parts_per_day',
      'i.template_version',
      'i.status',
      'i.paid_amount',
      'i.credited_total',
      'i.credit_reduced',
      'i.credit_used',
      'c.code',
      // R7: the buyer as the invoice was issued to, not as the customer is now.
      'i.buyer_name as name',
      'i.buyer_address as address',
      'i.buyer_npwp as npwp',
      'c.paper_invoice',
    ])
    .orderBy('i.year')
    .orderBy('i.sequence');
  return 'id' in which
    ? query.where('i.id', '=', which.id).execute()
    : query.where('i.period', '=', which.period).execute();
}

async function linesOf(db: Db, invoiceId: number) {
  return db
    .selectFrom('invoice_lines as l')
    .innerJoin('products as p', 'p.code', 'l.product')
    .innerJoin('operators as o', 'o.id', 'l.operator')
    .select([
      'l.product',
      'l.operator',
      'p.name as product_name',
      'o.name as operator_name',
      'l.messages',
      'l.parts',
      'l.unit_price',
      'l.amount',
      'l.band_min_parts',
    ])
    .where('l.invoice_id', '=', invoiceId)
    .orderBy('l.product')
    .orderBy('l.band_min_parts')
    .orderBy('l.operator')
    .execute();
}

/** Every day of the period with its billable parts (zero included), for the invoice's chart. */
export function everyDay(
  firstDay: string,
  lastDay: string,
  partsByDay: Iterable<readonly [string, number]>,
): Array<{ date: string; parts: number }> {
  const byDay = new Map(partsByDay);
  const days: Array<{ date: string; parts: number }> = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) days.push({ date: d, parts: byDay.get(d) ?? 0 });
  return days;
}

/** The seller as the invoice PDF shows it; R17: with the NPWP and NITKU of its Faktur Pajak (template version 3). */
export function sellerOf(config: Config): Pick<InvoicePdfData, 'seller' | 'sellerTax' | 'bank'> {
  return { seller: config.company, sellerTax: config.seller, bank: config.bank };
}

function pdfDataOf(
  config: Config,
  inv: InvoiceRow,
  lines: Awaited<ReturnType<typeof linesOf>>,
): InvoicePdfData {
  return {
    draft: false,
    templateVersion: inv.template_version,
    ...sellerOf(config),
    fakturNumber: inv.faktur_number,
    buyer: { code: inv.code, name: inv.name, address: inv.address, npwp: inv.npwp },
    number: inv.number,
    invoiceDate: inv.invoice_date,
    dueDate: inv.due_date,
    periodStart: inv.period,
    periodEnd: inv.period_end,
    lines: lines.map((l) => ({
      product: l.product_name,
      operator: l.operator_name,
      messages: l.messages,
      parts: l.parts,
      unitPrice: l.unit_price,
      amount: l.amount,
    })),
    subtotal: inv.subtotal,
    tax: { label: inv.tax_label, dppHundredths: inv.dpp_hundredths, dpp: inv.dpp, amount: inv.tax },
    total: inv.total,
    creditUsed: inv.credit_used,
    deposit: { balance: inv.deposit_balance, quota: inv.quota, used: inv.subtotal },
    partsPerDay: everyDay(inv.period, inv.period_end, inv.parts_per_day),
  };
}

export interface MonthFilesResult {
  readonly folder: string;
  readonly register: string;
  readonly files: ReadonlyArray<InvoiceFiles>;
  readonly printPack: { readonly pdf: string; readonly addresses: string } | null;
  /** Time spent rendering PDFs and exporting details (for the benchmark). */
  readonly timings: { readonly pdfMs: number; readonly detailMs: number };
}

function pathsOf(config: Config, inv: InvoiceRow): InvoicePaths {
  return invoicePathsOf(config.outDir, inv.period.slice(0, 7), inv.number, inv.code);
}

/** What the file writer needs of an issued invoice; its lines are read once, for the PDF and the detail. */
function sourceOf(db: Db, config: Config, inv: InvoiceRow): DocumentSource {
  let lines: ReturnType<typeof linesOf> | undefined;
  const linesOnce = () => {
    lines ??= linesOf(db, inv.id);
    return lines;
  };
  let lists: ReturnType<typeof priceListsOfInvoice> | undefined;
  const listsOnce = () => {
    lists ??= priceListsOfInvoice(db, inv.id);
    return lists;
  };
  return {
    invoiceId: inv.id,
    number: inv.number,
    paths: pathsOf(config, inv),
    live: inv.status !== 'void',
    expectedRows: inv.messages,
    pdfData: async () => ({
      ...pdfDataOf(config, inv, await linesOnce()),
      priceLists: await listsOnce(),
    }),
    detailQuery: async () => ({
      customerId: inv.customer_id,
      start: wibMidnight(inv.period),
      endExclusive: wibMidnight(addDays(inv.period_end, 1)),
      snapshot: inv.snapshot,
      prices: (await linesOnce()).map((l) => ({
        product: l.product,
        operator: l.operator,
        unitPrice: l.unit_price ?? 0,
        bandMinParts: l.band_min_parts,
      })),
      graduated: graduatedOf(await listsOnce()),
    }),
  };
}

/** The register's facts of an invoice or a draft; the file names are left out for a void invoice. */
export type RegisterFacts = Omit<RegisterRow, 'pdf' | 'detail_csv'>;

export function registerRowOf(facts: RegisterFacts, files: InvoiceFiles | undefined): RegisterRow {
  const live = facts.status !== 'void' && files !== undefined;
  return {
    ...facts,
    pdf: live ? path.basename(files.pdf) : '',
    detail_csv: live ? path.basename(files.detail) : '',
  };
}

function factsOf(inv: InvoiceRow): RegisterFacts {
  return {
    invoice_number: inv.number,
    customer_code: inv.code,
    customer_name: inv.name,
    period: inv.period.slice(0, 7),
    invoice_date: inv.invoice_date,
    due_date: inv.due_date,
    messages: inv.messages,
    parts: inv.parts,
    subtotal: inv.subtotal,
    tax: inv.tax,
    total: inv.total,
    status: inv.status,
    // R16: what credit notes took off, and what is still open after payments and credit.
    credited: inv.credited_total,
    open:
      inv.status === 'void'
        ? 0
        : openAmount({ total: inv.total, paidAmount: inv.paid_amount, credited: creditedOf(inv) }),
  };
}

/** The register and the print pack of a month folder, from its invoices and their files. */
async function writeIndex(
  db: Db,
  config: Config,
  folder: string,
  invoices: ReadonlyArray<InvoiceRow>,
  files: ReadonlyArray<InvoiceFiles>,
): Promise<Pick<MonthFilesResult, 'register' | 'printPack'>> {
  const byId = new Map(files.map((f) => [f.invoiceId, f]));
  const register = registerPathIn(folder);
  await writeRegister(
    register,
    invoices.map((inv) => registerRowOf(factsOf(inv), byId.get(inv.id))),
  );
  const printPack = await writePrintPack(
    folder,
    invoices
      .filter((inv) => inv.paper_invoice && inv.status !== 'void')
      .map((inv) => ({
        number: inv.number,
        customerCode: inv.code,
        customerName: inv.name,
        address: inv.address,
        total: inv.total,
        pdf: byId.get(inv.id)!.pdf,
      })),
  );
  await writeCreditNotesCsv(db, config, path.basename(folder));
  return { register, printPack };
}

/** R16: re-renders a void invoice's PDF where it is, with the BATAL / VOID mark; its detail CSV stays as it was. */
export async function writeVoidInvoicePdf(
  database: Database,
  config: Config,
  invoiceId: number,
): Promise<string> {
  const [inv] = await loadInvoices(database.db, { id: invoiceId });
  if (inv?.status !== 'void') throw new Error(`Invoice ${invoiceId} is not void; its PDF stays as issued.`);
  const data = { ...pdfDataOf(config, inv, await linesOf(database.db, inv.id)), voided: true };
  const file = pathsOf(config, inv).pdf;
  await writeFileAtomic(file, await renderInvoicePdf(data));
  return file;
}

/** An issued invoice's PDF as it would render now, and where the month run keeps it. */
export interface InvoicePdfOnDisk {
  readonly number: string;
  readonly file: string;
  readonly templateVersion: number;
  readonly data: InvoicePdfData;
}

/**
 * R14/R17: the PDF data of invoice `invoiceId` read through `db` (a transaction sees the faktur numbers it just
 * stored), and the path the month run writes its PDF to; null when there is no such invoice.
 */
export async function invoicePdfOnDisk(
  db: Db,
  config: Config,
  invoiceId: number,
): Promise<InvoicePdfOnDisk | null> {
  const [inv] = await loadInvoices(db, { id: invoiceId });
  if (!inv) return null;
  const source = sourceOf(db, config, inv);
  const data = { ...(await source.pdfData()), voided: inv.status === 'void' };
  return { number: inv.number, file: source.paths.pdf, templateVersion: inv.template_version, data };
}

/**
 * Writes what is missing of a month's documents — each invoice's PDF and detail CSV, named after its number —
 * then the billing register and the print pack (R14). Existing files are never rewritten: an issued invoice's
 * documents do not change.
 */
export async function writeMonthFiles(
  database: Database,
  config: Config,
  month: string,
  onProgress?: (done: number, total: number) => void,
): Promise<MonthFilesResult> {
  const folder = monthFolder(config.outDir, month);
  const invoices = await loadInvoices(database.db, { period: `${month}-01` });
  const written = await writeInvoiceDocuments(
    database.pool,
    invoices.map((inv) => sourceOf(database.db, config, inv)),
    { detailGzipAboveBytes: config.detailGzipAboveBytes, rewrite: false, onProgress },
  );
  const index = await writeIndex(database.db, config, folder, invoices, written.files);
  return { folder, ...index, files: written.files, timings: written.timings };
}

/** R14: one invoice's PDF and detail CSV, written if missing; null when there is no such invoice. */
export async function writeInvoiceFiles(
  database: Database,
  config: Config,
  invoiceId: number,
  renderer?: PdfRenderer,
): Promise<InvoiceFiles | null> {
  const [inv] = await loadInvoices(database.db, { id: invoiceId });
  if (!inv) return null;
  const written = await writeInvoiceDocuments(database.pool, [sourceOf(database.db, config, inv)], {
    detailGzipAboveBytes: config.detailGzipAboveBytes,
    rewrite: false,
    renderer,
  });
  return written.files[0]!;
}

/**
 * Rewrites a month's register and print pack from the files on disk, after one invoice changed (a reissue): the
 * other invoices' files are not rendered again.
 */
export async function writeMonthIndex(
  database: Database,
  config: Config,
  month: string,
): Promise<Pick<MonthFilesResult, 'register' | 'printPack'>> {
  const invoices = await loadInvoices(database.db, { period: `${month}-01` });
  const files = invoices.map((inv) => {
    const paths = pathsOf(config, inv);
    return {
      invoiceId: inv.id,
      number: inv.number,
      pdf: paths.pdf,
      detail: existingDetail(paths) ?? paths.plainDetail,
      written: false,
    };
  });
  return writeIndex(database.db, config, monthFolder(config.outDir, month), invoices, files);
}
