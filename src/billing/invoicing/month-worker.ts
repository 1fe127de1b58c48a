// Issue 16: one worker of a shared month close (`npm run invoice -- --workers N`, or `--join` on another machine).
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/connect.ts';
import { createPdfRenderer, type PdfRenderer } from '../../documents/pdf-pool.ts';
import { lastDayOf } from '../../domain/period.ts';
import { withJobLock } from '../job-lock.ts';
import { writeInvoiceFiles } from './invoice-files.ts';
import { issueInvoice } from './issue-invoice.ts';
import {
  claimIssued,
  claimPending,
  holdWorkerLiveness,
  markDone,
  markIssued,
  openItems,
} from './month-work-items.ts';

export interface MonthWorkerOptions {
  readonly month: string;
  /** PDF render threads of this worker (several workers on one machine share its cores). */
  readonly pdfThreads?: number;
  /** Items in flight at once: enough to keep the PDF threads and a detail export busy together. */
  readonly lanes?: number;
  readonly onItem?: (kind: 'issued' | 'documents') => void;
  /** A shutdown: each lane finishes the item it holds and claims no other; the rest stays for the others. */
  readonly signal?: AbortSignal;
}

export interface MonthWorkerResult {
  readonly worker: string;
  /** Invoices this worker issued. */
  readonly issued: number;
  /** Invoices whose documents this worker wrote (its own and those taken over). */
  readonly documents: number;
}

/** How long a worker waits before looking again when the only open items are held by live workers. */
const POLL_MS = 200;

/** A name unique across machines and restarts, readable in the work-item table. */
export function newWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

type Claimed = { readonly kind: 'issued' | 'taken_over'; readonly invoiceId: number } | 'wait' | null;

/**
 * Works the month's items until none is open: claims the next pending item in plan order under the month's
 * numbering lock and issues it (R7: one short transaction, the counter row locked only there), or takes over an
 * issued item a killed worker left; then writes that invoice's PDF and detail CSV (R14) outside any lock.
 */
export async function runMonthWorker(
  database: Database,
  config: Config,
  opts: MonthWorkerOptions,
): Promise<MonthWorkerResult> {
  const worker = newWorkerName();
  const period = `${opts.month}-01`;
  const release = await holdWorkerLiveness(database.pool, worker);
  // Made on first use: a worker that finds nothing to do (the run's finishing pass, as a rule) starts no threads.
  let renderer: PdfRenderer | undefined;
  const rendererOnce = () => {
    renderer ??= createPdfRenderer(opts.pdfThreads);
    return renderer;
  };
  let issued = 0;
  let documents = 0;
  let numbering = Promise.resolve<unknown>(undefined);
  // One lane of this process at a time asks for the numbering lock: the others need their connections for details.
  const issueNext = (): Promise<number | null> => {
    const next = numbering.then(() => issueOne(database, period, opts.month, worker));
    numbering = next.catch(() => {});
    return next;
  };
  const claim = async (): Promise<Claimed> => {
    if (opts.signal?.aborted) return null;
    const orphan = await claimIssued(database.db, period, worker);
    if (orphan !== null) return { kind: 'taken_over', invoiceId: orphan };
    const invoiceId = await issueNext();
    if (invoiceId !== null) return { kind: 'issued', invoiceId };
    return (await openItems(database.db, period)) > 0 ? 'wait' : null;
  };
  const lane = async () => {
    for (let c = await claim(); c !== null; c = await claim()) {
      if (c === 'wait') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      if (c.kind === 'issued') {
        issued++;
        opts.onItem?.('issued');
      }
      await writeDocuments(database, config, rendererOnce(), period, c.invoiceId);
      documents++;
      opts.onItem?.('documents');
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.lanes ?? lanesFor(opts.pdfThreads) }, lane));
  } finally {
    await renderer?.close();
    await release();
  }
  return { worker, issued, documents };
}

/** One lane per PDF thread, and one more so a detail export runs while they render. */
function lanesFor(pdfThreads = availableParallelism()): number {
  return Math.max(1, pdfThreads) + 1;
}

/** Claims and issues the next pending item under the month's numbering lock; its invoice id, or null if none. */
async function issueOne(database: Database, period: string, month: string, worker: string) {
  const done = await withJobLock(database.pool, `invoice-numbering:${month}`, undefined, async () => {
    const item = await claimPending(database.db, period, worker);
    if (!item) return null;
    const outcome = await issueInvoice(database.db, item.draft, {
      period,
      periodEnd: lastDayOf(month),
      kind: 'monthly',
      invoiceDate: item.issueDate,
      snapshot: item.snapshot,
      actor: item.actor,
      holdMail: item.holdMail,
    });
    return { customerId: item.customerId, invoiceId: outcome.invoiceId };
  });
  if (!done) return null;
  // Outside the lock: until this commits the item stays pending but held by this live worker, so none claims it.
  await markIssued(database.db, period, done.customerId, done.invoiceId);
  return done.invoiceId;
}

async function writeDocuments(
  database: Database,
  config: Config,
  renderer: PdfRenderer,
  period: string,
  invoiceId: number,
): Promise<void> {
  await writeInvoiceFiles(database, config, invoiceId, renderer);
  await markDone(database.db, period, invoiceId);
}
