import { existsSync } from 'node:fs';
import type pg from 'pg';
import { type DetailQuery, writeDetailCsv } from './detail-csv.ts';
import { existingDetail, type InvoicePaths } from './invoice-paths.ts';
import type { InvoicePdfData } from './invoice-pdf-data.ts';
import { createPdfRenderer, type PdfRenderer } from './pdf-pool.ts';
import { writeFileAtomic } from './write-atomic.ts';

/** One invoice (or dry-run draft) to put on disk: where its files go and how to get their contents. */
export interface DocumentSource {
  readonly invoiceId: number;
  readonly number: string;
  readonly paths: InvoicePaths;
  /** A void invoice keeps what it had and gets nothing new. */
  readonly live: boolean;
  readonly pdfData: () => Promise<InvoicePdfData>;
  readonly detailQuery: () => Promise<DetailQuery>;
  /** The rows the detail will have, so a large one is gzipped on the fly. */
  readonly expectedRows?: number;
}

export interface InvoiceFiles {
  readonly invoiceId: number;
  readonly number: string;
  readonly pdf: string;
  readonly detail: string;
  /** Whether this call wrote them (false: they were there already). */
  readonly written: boolean;
}

export interface WriteDocumentsOptions {
  readonly detailGzipAboveBytes: number;
  /** true for a dry run, whose drafts are rendered afresh every time; false: an issued invoice's files never change. */
  readonly rewrite: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** A renderer shared by many calls (a month worker's), left open; absent: one of its own, closed at the end. */
  readonly renderer?: PdfRenderer;
}

export interface WrittenDocuments {
  readonly files: ReadonlyArray<InvoiceFiles>;
  /** Time spent rendering PDFs and exporting details (for the benchmark). */
  readonly timings: { readonly pdfMs: number; readonly detailMs: number };
}

interface Planned {
  readonly source: DocumentSource;
  detail: string;
  readonly needsPdf: boolean;
  readonly needsDetail: boolean;
}

function planOf(source: DocumentSource, rewrite: boolean): Planned {
  const onDisk = rewrite ? null : existingDetail(source.paths);
  const pdfThere = !rewrite && existsSync(source.paths.pdf);
  return {
    source,
    detail: onDisk ?? source.paths.plainDetail,
    needsPdf: source.live && !pdfThere,
    needsDetail: source.live && !onDisk,
  };
}

/**
 * R14: writes what is missing of each source's PDF and detail CSV (all of them when `rewrite`), and says where they
 * are. The one file writer of the real run, the dry run, a reissue and a mail that finds a file missing.
 */
export async function writeInvoiceDocuments(
  pool: pg.Pool,
  sources: ReadonlyArray<DocumentSource>,
  options: WriteDocumentsOptions,
): Promise<WrittenDocuments> {
  const plan = sources.map((s) => planOf(s, options.rewrite));
  let done = 0;
  const todo = plan.filter((p) => p.needsPdf || p.needsDetail).length;
  const step = () => options.onProgress?.(++done, todo);
  // The details stream out of PostgreSQL (gzip on libuv's threads) on two connections while the PDFs render on
  // worker threads: PostgreSQL formats one customer's rows per core.
  const [detailMs, pdfMs] = await Promise.all([
    writeDetails(pool, plan, options.detailGzipAboveBytes, step),
    writePdfs(plan, step, options.renderer),
  ]);
  const files = plan.map((p) => ({
    invoiceId: p.source.invoiceId,
    number: p.source.number,
    pdf: p.source.paths.pdf,
    detail: p.detail,
    written: p.needsPdf || p.needsDetail,
  }));
  return { files, timings: { pdfMs, detailMs } };
}

/** Two lanes of detail exports; returns the time they spent. */
async function writeDetails(
  pool: pg.Pool,
  plan: ReadonlyArray<Planned>,
  gzipAbove: number,
  step: () => void,
): Promise<number> {
  const queue = plan.filter((p) => p.needsDetail);
  let ms = 0;
  const lane = async () => {
    const client = await pool.connect();
    try {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const t0 = performance.now();
        const query = await p.source.detailQuery();
        p.detail = await writeDetailCsv(
          client,
          query,
          p.source.paths.plainDetail,
          gzipAbove,
          p.source.expectedRows,
        );
        ms += performance.now() - t0;
        if (!p.needsPdf) step();
      }
    } finally {
      client.release();
    }
  };
  await Promise.all([lane(), lane()]);
  return ms;
}

/** As many PDFs in flight as the renderer has workers; returns the time they took. */
async function writePdfs(
  plan: ReadonlyArray<Planned>,
  step: () => void,
  shared: PdfRenderer | undefined,
): Promise<number> {
  const queue = plan.filter((p) => p.needsPdf);
  let ms = 0;
  const renderer = shared ?? createPdfRenderer();
  const lane = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const t0 = performance.now();
      await writeFileAtomic(p.source.paths.pdf, await renderer.render(await p.source.pdfData()));
      ms += performance.now() - t0;
      step();
    }
  };
  try {
    await Promise.all(Array.from({ length: renderer.parallelism }, lane));
  } finally {
    if (!shared) await renderer.close();
  }
  return ms;
}
