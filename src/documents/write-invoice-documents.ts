import { existsSync } from 'node:fs';
import type pg from 'pg';
import { type DetailQuery, writeDetailCsv } from './detail-csv.ts';
import { existingDetail, type InvoicePaths } from './invoice-paths.ts';
import type { InvoicePdfData } from './invoice-pdf-data.ts';
import { canShareCopy, writeSharedDetails } from './month-details.ts';
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

/** Details on each of the two lanes: the shared COPY's invoices split in two by size, and the others one by one. */
const DETAIL_LANES = 2;

/**
 * Two lanes of detail exports; returns the time they spent. Issue 16: the invoices that can share a COPY
 * (month-details.ts) come from one statement per lane; a graduated one (R18) from a COPY of its own.
 */
async function writeDetails(
  pool: pg.Pool,
  plan: ReadonlyArray<Planned>,
  gzipAbove: number,
  step: () => void,
): Promise<number> {
  const wanted = plan.filter((p) => p.needsDetail);
  const queries = await Promise.all(wanted.map((p) => p.source.detailQuery()));
  const shared = splitBySize(
    wanted.flatMap((_, k) => (canShareCopy(queries[k]!) ? [k] : [])),
    (k) => Number(wanted[k]!.source.expectedRows ?? 0),
  );
  const own = wanted.flatMap((_, k) => (canShareCopy(queries[k]!) ? [] : [k]));
  let ms = 0;
  const done = (k: number, file: string) => {
    wanted[k]!.detail = file;
    if (!wanted[k]!.needsPdf) step();
  };
  const lane = async (mine: ReadonlyArray<number>) => {
    const client = await pool.connect();
    try {
      const t0 = performance.now();
      const items = mine.map((k) => ({
        query: queries[k]!,
        file: wanted[k]!.source.paths.plainDetail,
        expectedRows: wanted[k]!.source.expectedRows,
      }));
      await writeSharedDetails(client, items, gzipAbove, (i, file) => done(mine[i]!, file));
      ms += performance.now() - t0;
      for (let k = own.shift(); k !== undefined; k = own.shift()) {
        const t1 = performance.now();
        const p = wanted[k]!;
        done(
          k,
          await writeDetailCsv(
            client,
            queries[k]!,
            p.source.paths.plainDetail,
            gzipAbove,
            p.source.expectedRows,
          ),
        );
        ms += performance.now() - t1;
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(shared.map(lane));
  return ms;
}

/** Splits `ks` into DETAIL_LANES lists of about equal total size, each kept in the order given. */
function splitBySize(ks: ReadonlyArray<number>, size: (k: number) => number): number[][] {
  const lanes = Array.from({ length: DETAIL_LANES }, () => ({ total: 0, ks: [] as number[] }));
  for (const k of [...ks].sort((a, b) => size(b) - size(a))) {
    const lightest = lanes.reduce((a, b) => (b.total < a.total ? b : a));
    lightest.ks.push(k);
    lightest.total += size(k) + 1;
  }
  return lanes.map((l) => l.ks.sort((a, b) => a - b));
}

/**
 * Twice as many PDFs in flight as the renderer has workers, so one invoice's data is read and another's file
 * written while the workers render (issue 16: with one lane a worker, the workers waited for both); returns the
 * time the lanes spent.
 */
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
    await Promise.all(Array.from({ length: 2 * renderer.parallelism }, lane));
  } finally {
    if (!shared) await renderer.close();
  }
  return ms;
}
