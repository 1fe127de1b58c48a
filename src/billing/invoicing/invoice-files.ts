import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/connect.ts';
import { type DetailQuery, writeDetailCsv } from '../../documents/detail-csv.ts';
import type { InvoicePdfData } from '../../documents/invoice-pdf.ts';
import { createPdfRenderer } from '../../documents/pdf-pool.ts';
import { mergePdfs } from '../../documents/print-pack.ts';
import { type RegisterRow, spreadsheetSafe, writeRegister } from '../../documents/register-csv.ts';
import { safeFileStem, writeFileAtomic } from '../../documents/write-atomic.ts';
import { addDays } from '../../domain/dates.ts';

/** 00:00 WIB of a 'YYYY-MM-DD' day as an instant (R1). */
export function wibMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

export function monthFolder(outDir: string, month: string): string {
  return path.join(outDir, month);
}

export interface InvoiceFiles {
  readonly invoiceId: number;
  readonly number: string;
  readonly pdf: string;
  readonly detail: string;
  /** Whether this call wrote them (false: they were there already). */
  readonly written: boolean;
}

type InvoiceRow = Awaited<ReturnType<typeof loadInvoices>>[number];

async function loadInvoices(db: Db, period: string) {
  return db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
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
      'i.deposit_balance',
      'i.quota',
      'i.snapshot',
      'i.parts_per_day',
      'i.status',
      'c.code',
      'c.name',
      'c.address',
      'c.npwp',
      'c.paper_invoice',
    ])
    .where('i.period', '=', period)
    .orderBy('i.year')
    .orderBy('i.sequence')
    .execute();
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
    ])
    .where('l.invoice_id', '=', invoiceId)
    .orderBy('l.product')
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

export function sellerOf(config: Config): Pick<InvoicePdfData, 'seller' | 'bank'> {
  return { seller: config.company, bank: config.bank };
}

function pdfDataOf(
  config: Config,
  inv: InvoiceRow,
  lines: Awaited<ReturnType<typeof linesOf>>,
): InvoicePdfData {
  return {
    draft: false,
    ...sellerOf(config),
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
    tax: { label: inv.tax_label, dppHundredths: inv.dpp_hundredths, amount: inv.tax },
    total: inv.total,
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
  const { db, pool } = database;
  const folder = monthFolder(config.outDir, month);
  const invoices = await loadInvoices(db, `${month}-01`);
  let pdfMs = 0;
  let detailMs = 0;
  const plan = invoices.map((inv) => {
    const stem = safeFileStem(inv.number, inv.code);
    const plainDetail = path.join(folder, `${stem}-detail.csv`);
    const existingDetail = [plainDetail, `${plainDetail}.gz`].find((f) => existsSync(f));
    const pdf = path.join(folder, `${stem}.pdf`);
    const live = inv.status !== 'void';
    return {
      inv,
      pdf,
      plainDetail,
      detail: existingDetail ?? plainDetail,
      needsPdf: live && !existsSync(pdf),
      needsDetail: live && !existingDetail,
    };
  });
  const linesById = new Map<number, Awaited<ReturnType<typeof linesOf>>>();
  const linesFor = async (id: number) => {
    let lines = linesById.get(id);
    if (!lines) {
      lines = await linesOf(db, id);
      linesById.set(id, lines);
    }
    return lines;
  };
  let done = 0;
  const todo = plan.filter((p) => p.needsPdf || p.needsDetail).length;
  const step = () => onProgress?.(++done, todo);

  // The details stream out of PostgreSQL (gzip on libuv's threads) on two connections while the PDFs render on
  // worker threads: PostgreSQL formats one customer's rows per core.
  const detailQueue = plan.filter((x) => x.needsDetail);
  const detailLane = async () => {
    const client = await pool.connect();
    try {
      for (let p = detailQueue.shift(); p; p = detailQueue.shift()) {
        const t0 = performance.now();
        const lines = await linesFor(p.inv.id);
        const query: DetailQuery = {
          customerId: p.inv.customer_id,
          start: wibMidnight(p.inv.period),
          endExclusive: wibMidnight(addDays(p.inv.period_end, 1)),
          snapshot: p.inv.snapshot,
          prices: lines.map((l) => ({
            product: l.product,
            operator: l.operator,
            unitPrice: l.unit_price ?? 0,
          })),
        };
        p.detail = await writeDetailCsv(
          client,
          query,
          p.plainDetail,
          config.detailGzipAboveBytes,
          p.inv.messages,
        );
        detailMs += performance.now() - t0;
        if (!p.needsPdf) step();
      }
    } finally {
      client.release();
    }
  };
  const details = Promise.all([detailLane(), detailLane()]);
  const renderer = createPdfRenderer();
  const pdfs = (async () => {
    const queue = plan.filter((x) => x.needsPdf);
    // As many PDFs in flight as the renderer has workers; the data for each is read here.
    const lane = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const t0 = performance.now();
        const data = await pdfDataOf(config, p.inv, await linesFor(p.inv.id));
        await writeFileAtomic(p.pdf, await renderer.render(data));
        pdfMs += performance.now() - t0;
        step();
      }
    };
    try {
      await Promise.all(Array.from({ length: renderer.parallelism }, lane));
    } finally {
      await renderer.close();
    }
  })();
  await Promise.all([details, pdfs]);
  const files: InvoiceFiles[] = plan.map((p) => ({
    invoiceId: p.inv.id,
    number: p.inv.number,
    pdf: p.pdf,
    detail: p.detail,
    written: p.needsPdf || p.needsDetail,
  }));

  const register = path.join(folder, 'register.csv');
  const byId = new Map(files.map((f) => [f.invoiceId, f]));
  const rows: RegisterRow[] = invoices.map((inv) => ({
    invoice_number: inv.number,
    customer_code: inv.code,
    customer_name: inv.name,
    period: month,
    invoice_date: inv.invoice_date,
    due_date: inv.due_date,
    messages: inv.messages,
    parts: inv.parts,
    subtotal: inv.subtotal,
    tax: inv.tax,
    total: inv.total,
    status: inv.status,
    pdf: inv.status === 'void' ? '' : path.basename(byId.get(inv.id)!.pdf),
    detail_csv: inv.status === 'void' ? '' : path.basename(byId.get(inv.id)!.detail),
  }));
  await writeRegister(register, rows);

  const paper = invoices.filter((inv) => inv.paper_invoice && inv.status !== 'void');
  let printPack: MonthFilesResult['printPack'] = null;
  if (paper.length > 0) {
    const pdfs = await Promise.all(paper.map((inv) => readFile(byId.get(inv.id)!.pdf)));
    const packPdf = path.join(folder, 'print-pack.pdf');
    const addresses = path.join(folder, 'print-pack-addresses.csv');
    await writeFileAtomic(packPdf, await mergePdfs(pdfs));
    await writeFileAtomic(
      addresses,
      stringify(
        paper.map((inv) =>
          [inv.number, inv.code, inv.name, inv.address ?? '', inv.total].map(spreadsheetSafe),
        ),
        {
          header: true,
          columns: ['invoice_number', 'customer_code', 'customer_name', 'address', 'total'],
          record_delimiter: '\n',
        },
      ),
    );
    printPack = { pdf: packPdf, addresses };
  }
  return { folder, register, files, printPack, timings: { pdfMs, detailMs } };
}
