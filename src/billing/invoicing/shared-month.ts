// Issue 16: the month close shared by workers. This run plans the month under its lock, lets the workers issue and
// write the documents, finishes what they left (a worker killed near the end), then writes the register and the
// print pack once.
import type { Config } from '../../config.ts';
import type { Database } from '../../db/connect.ts';
import { firstDayOf, periodOf } from '../../domain/period.ts';
import { withJobLock } from '../job-lock.ts';
import { computeInvoices } from './compute-invoices.ts';
import { writeMonthFiles } from './invoice-files.ts';
import {
  activeCustomerCodes,
  checkRunDates,
  type InvoiceRunOptions,
  InvoiceRunRefused,
  type InvoiceRunSummary,
  type IssuedSummary,
  liveInvoicesOf,
  recordParks,
} from './invoice-month.ts';
import { markSharedRun, type SharedRunMark } from './join-month.ts';
import { planWorkItems } from './month-work-items.ts';
import { type MonthWorkerResult, runMonthWorker } from './month-worker.ts';

/** Starts the workers of a planned month (processes of their own) and resolves when they have all ended. */
export type StartWorkers = () => Promise<void>;

const sum = (xs: ReadonlyArray<IssuedSummary>, k: 'subtotal' | 'tax' | 'total') =>
  xs.reduce((s, x) => s + x[k], 0);

/**
 * R7, R14: the month's invoices issued by several workers. Planned as in runInvoiceMonth — one grouped query on
 * one snapshot, checked, parked where it fails — then written as one work item per customer for the workers.
 */
export async function runSharedInvoiceMonth(
  database: Database,
  config: Config,
  opts: InvoiceRunOptions & { readonly signal?: AbortSignal },
  startWorkers: StartWorkers,
): Promise<InvoiceRunSummary & { readonly finisher: MonthWorkerResult }> {
  checkRunDates(opts.month, opts.issueDate, opts.now);
  if (opts.dryRun || opts.customerCode !== undefined)
    throw new InvoiceRunRefused('--workers shares a whole month close; leave out --dry-run and --customer.');
  return withJobLock(database.pool, `invoice:${opts.month}`, opts.onWait, async () => {
    const mark = await markSharedRun(database.pool, opts.month);
    try {
      return await shareMonth(database, config, opts, startWorkers, mark);
    } finally {
      await mark.release();
    }
  });
}

async function shareMonth(
  database: Database,
  config: Config,
  opts: InvoiceRunOptions & { readonly signal?: AbortSignal },
  startWorkers: StartWorkers,
  mark: SharedRunMark,
): Promise<InvoiceRunSummary & { readonly finisher: MonthWorkerResult }> {
  const { db } = database;
  const period = firstDayOf(opts.month);
  const { start, endExclusive } = periodOf(opts.month);
  const before = await liveInvoicesOf(db, period);
  const computed = await computeInvoices(db, {
    periodStart: period,
    start,
    endExclusive,
    invoiceDate: opts.issueDate,
    excludeCustomerIds: before.map((b) => b.customer_id),
  });
  await recordParks(db, period, computed.parked);
  await planWorkItems(
    db,
    {
      period,
      issueDate: opts.issueDate,
      snapshot: computed.snapshot,
      actor: opts.actor,
      holdMail: opts.holdMail,
    },
    computed.drafts,
  );
  await mark.planned();
  await startWorkers();
  // Whatever the workers left (one killed after the others ended) is finished here, as by one more worker.
  const finisher = await runMonthWorker(database, config, { month: opts.month, signal: opts.signal });
  const files = await writeMonthFiles(database, config, opts.month, (d, t) =>
    opts.onProgress?.('documents', d, t),
  );
  const planned = new Set(computed.drafts.map((d) => d.customerId));
  const after = await liveInvoicesOf(db, period);
  const summaryOf = (b: (typeof after)[number]): IssuedSummary => ({
    number: b.number,
    customerCode: b.code,
    subtotal: b.subtotal,
    tax: b.tax,
    total: b.total,
  });
  const issued = after.filter((b) => planned.has(b.customer_id)).map(summaryOf);
  const alreadyIssued = before.map(summaryOf);
  const seen = new Set([...after.map((b) => b.code), ...computed.parked.map((p) => p.customerCode)]);
  return {
    month: opts.month,
    issueDate: opts.issueDate,
    dryRun: false,
    issued,
    alreadyIssued,
    skipped: (await activeCustomerCodes(db)).filter((c) => !seen.has(c)),
    parked: computed.parked.map((p) => ({ customerCode: p.customerCode, reason: p.reason })),
    totals: { subtotal: sum(issued, 'subtotal'), tax: sum(issued, 'tax'), total: sum(issued, 'total') },
    folder: files.folder,
    register: files.register,
    // The workers wrote the files of the invoices issued now; writeMonthFiles only what older ones missed.
    filesWritten: issued.length + files.files.filter((f) => f.written).length,
    printPack: files.printPack,
    timings: files.timings,
    finisher,
  };
}
