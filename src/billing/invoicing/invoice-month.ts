import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/connect.ts';
import { dryRunFolder, invoicePathsIn, monthFolder, registerPathIn } from '../../documents/invoice-paths.ts';
import { writeRegister } from '../../documents/register-csv.ts';
import { removeOrphanTemporaries } from '../../documents/write-atomic.ts';
import { writeInvoiceDocuments } from '../../documents/write-invoice-documents.ts';
import { dueDateFor } from '../../domain/dates.ts';
import {
  firstDayOf,
  lastDayOf,
  nextMonth,
  parseYearMonth,
  periodOf,
  wibDateOf,
} from '../../domain/period.ts';
import { withJobLock } from '../job-lock.ts';
import { computeInvoices, type InvoiceDraft, type Parked } from './compute-invoices.ts';
import {
  everyDay,
  type MonthFilesResult,
  type RegisterFacts,
  registerRowOf,
  sellerOf,
  writeMonthFiles,
} from './invoice-files.ts';
import { graduatedOf } from './invoice-price-lists.ts';
import { issueInvoice } from './issue-invoice.ts';

export class InvoiceRunRefused extends Error {
  override readonly name = 'InvoiceRunRefused';
}

export interface InvoiceRunOptions {
  readonly month: string;
  readonly issueDate: string;
  readonly customerCode?: string;
  readonly dryRun: boolean;
  readonly actor: string;
  readonly holdMail: boolean;
  readonly now: Date;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  /** Called when another run holds the month's lock and this one waits for it. */
  readonly onWait?: () => void;
}

export interface IssuedSummary {
  readonly number: string;
  readonly customerCode: string;
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
}

export interface InvoiceRunSummary {
  readonly month: string;
  readonly issueDate: string;
  readonly dryRun: boolean;
  readonly issued: ReadonlyArray<IssuedSummary>;
  readonly alreadyIssued: ReadonlyArray<IssuedSummary>;
  /** Customers with no billable usage in the month (R7: no invoice). */
  readonly skipped: ReadonlyArray<string>;
  readonly parked: ReadonlyArray<{ readonly customerCode: string; readonly reason: string }>;
  readonly totals: { readonly subtotal: number; readonly tax: number; readonly total: number };
  readonly folder: string;
  readonly register: string;
  readonly filesWritten: number;
  readonly printPack: MonthFilesResult['printPack'];
  readonly timings: MonthFilesResult['timings'];
}

/** Refuses a month that is malformed or not over, and an issue date before the month's end (R1, R8). */
export function checkRunDates(month: string, issueDate: string, now: Date): void {
  if (!parseYearMonth(month))
    throw new InvoiceRunRefused(`Month '${month}' is not of the form YYYY-MM, e.g. 2026-10.`);
  const firstPossible = firstDayOf(nextMonth(month));
  if (periodOf(month).endExclusive.getTime() > now.getTime()) {
    throw new InvoiceRunRefused(
      `${month} is not over yet; it can be invoiced from ${firstPossible} (00:00 WIB).`,
    );
  }
  if (issueDate < firstPossible) {
    throw new InvoiceRunRefused(
      `Issue date ${issueDate} is before the end of ${month}; the earliest issue date for ${month} is ${firstPossible}.`,
    );
  }
  if (issueDate > wibDateOf(now)) {
    throw new InvoiceRunRefused(
      `Issue date ${issueDate} is in the future; today is ${wibDateOf(now)} (WIB).`,
    );
  }
}

async function customerIdOf(db: Db, code: string): Promise<number> {
  const c = await db.selectFrom('customers').select('id').where('code', '=', code).executeTakeFirst();
  if (!c) throw new InvoiceRunRefused(`No customer with code '${code}'. See 'npm run customers -- list'.`);
  return c.id;
}

export async function liveInvoicesOf(db: Db, period: string, customerId?: number) {
  let q = db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.customer_id', 'i.number', 'c.code', 'i.subtotal', 'i.tax', 'i.total'])
    .where('i.period', '=', period)
    .where('i.status', '<>', 'void');
  if (customerId !== undefined) q = q.where('i.customer_id', '=', customerId);
  return q.execute();
}

export async function activeCustomerCodes(db: Db, customerId?: number): Promise<string[]> {
  let q = db
    .selectFrom('customers')
    .select('code')
    .where('billing', '=', 'postpaid')
    .where('status', '=', 'active');
  if (customerId !== undefined) q = q.where('id', '=', customerId);
  return (await q.orderBy('code').execute()).map((r) => r.code);
}

export async function recordParks(db: Db, period: string, parked: ReadonlyArray<Parked>): Promise<void> {
  if (parked.length === 0) return;
  await db
    .insertInto('invoice_parks')
    .values(parked.map((p) => ({ period, customer_id: p.customerId, reason: p.reason })))
    .onConflict((oc) =>
      oc
        .columns(['period', 'customer_id'])
        .doUpdateSet({ reason: sql`excluded.reason`, parked_at: sql`now()` }),
    )
    .execute();
}

const sum = (xs: ReadonlyArray<IssuedSummary>, k: 'subtotal' | 'tax' | 'total') =>
  xs.reduce((s, x) => s + x[k], 0);

/** An invoice issued before this run, as the run's summary lists it. */
function summaryOfLive(b: {
  readonly number: string;
  readonly code: string;
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
}): IssuedSummary {
  return { number: b.number, customerCode: b.code, subtotal: b.subtotal, tax: b.tax, total: b.total };
}

/**
 * The monthly invoice run (R1–R8, R14): under the month's advisory lock, compute every invoice in one grouped
 * query, check it, issue each in its own transaction (a killed run leaves each customer fully invoiced or not at
 * all), then write the documents that are missing. Rerunning an issued month changes nothing.
 */
export async function runInvoiceMonth(
  database: Database,
  config: Config,
  opts: InvoiceRunOptions,
): Promise<InvoiceRunSummary> {
  checkRunDates(opts.month, opts.issueDate, opts.now);
  const { db } = database;
  const period = firstDayOf(opts.month);
  const customerId = opts.customerCode ? await customerIdOf(db, opts.customerCode) : undefined;
  const { start, endExclusive } = periodOf(opts.month);

  if (opts.dryRun) return dryRun(database, config, opts, customerId);

  return withJobLock(database.pool, `invoice:${opts.month}`, opts.onWait, async () => {
    await removeOrphanTemporaries(monthFolder(config.outDir, opts.month)); // issue 17: a crash's half-written files
    const before = await liveInvoicesOf(db, period, customerId);
    const computed = await computeInvoices(db, {
      periodStart: period,
      start,
      endExclusive,
      invoiceDate: opts.issueDate,
      customerIds: customerId === undefined ? undefined : [customerId],
      excludeCustomerIds: before.map((b) => b.customer_id),
    });
    await recordParks(db, period, computed.parked);

    const issued: IssuedSummary[] = [];
    const alreadyIssued: IssuedSummary[] = before.map(summaryOfLive);
    for (const [i, draft] of computed.drafts.entries()) {
      const outcome = await issueInvoice(db, draft, {
        period,
        periodEnd: lastDayOf(opts.month),
        kind: 'monthly',
        invoiceDate: opts.issueDate,
        snapshot: computed.snapshot,
        actor: opts.actor,
        holdMail: opts.holdMail,
      });
      const { customerCode, subtotal, tax, total } = draft;
      const s = { number: outcome.number, customerCode, subtotal, tax, total };
      (outcome.status === 'issued' ? issued : alreadyIssued).push(s);
      opts.onProgress?.('issue', i + 1, computed.drafts.length);
    }

    const files = await writeMonthFiles(database, config, opts.month, (d, t) =>
      opts.onProgress?.('documents', d, t),
    );
    const seen = new Set(
      [...issued, ...alreadyIssued]
        .map((s) => s.customerCode)
        .concat(computed.parked.map((p) => p.customerCode)),
    );
    const skipped = (await activeCustomerCodes(db, customerId)).filter((c) => !seen.has(c));
    return {
      month: opts.month,
      issueDate: opts.issueDate,
      dryRun: false,
      issued,
      alreadyIssued,
      skipped,
      parked: computed.parked.map((p) => ({ customerCode: p.customerCode, reason: p.reason })),
      totals: { subtotal: sum(issued, 'subtotal'), tax: sum(issued, 'tax'), total: sum(issued, 'total') },
      folder: files.folder,
      register: files.register,
      filesWritten: files.files.filter((f) => f.written).length,
      printPack: files.printPack,
      timings: files.timings,
    };
  });
}

/** --dry-run: everything computed and rendered as DRAFT into <out>/<month>/dry-run/, nothing written to the database. */
async function dryRun(
  database: Database,
  config: Config,
  opts: InvoiceRunOptions,
  customerId?: number,
): Promise<InvoiceRunSummary> {
  const { db } = database;
  const period = firstDayOf(opts.month);
  const { start, endExclusive } = periodOf(opts.month);
  const before = await liveInvoicesOf(db, period, customerId);
  const computed = await computeInvoices(db, {
    periodStart: period,
    start,
    endExclusive,
    invoiceDate: opts.issueDate,
    customerIds: customerId === undefined ? undefined : [customerId],
    excludeCustomerIds: before.map((b) => b.customer_id),
  });
  const folder = dryRunFolder(config.outDir, opts.month);
  const labels = await displayNames(db);
  // R14: the drafts go through the same file writer as issued invoices, rendered afresh every time.
  const written = await writeInvoiceDocuments(
    database.pool,
    computed.drafts.map((d) => ({
      invoiceId: d.customerId,
      number: `DRAFT-${d.customerCode}`,
      paths: invoicePathsIn(folder, 'DRAFT', d.customerCode),
      live: true,
      pdfData: () => draftPdfData(db, config, labels, d, opts, period),
      detailQuery: async () => ({
        customerId: d.customerId,
        start,
        endExclusive,
        snapshot: null,
        prices: d.lines,
        graduated: graduatedOf(d.priceLists),
      }),
    })),
    {
      detailGzipAboveBytes: config.detailGzipAboveBytes,
      rewrite: true,
      onProgress: (done, total) => opts.onProgress?.('documents', done, total),
    },
  );
  const register = registerPathIn(folder);
  await writeRegister(
    register,
    computed.drafts.map((d, i) => registerRowOf(draftFactsOf(d, opts), written.files[i])),
  );
  const drafts: IssuedSummary[] = computed.drafts.map((d) => summaryOf(d, `DRAFT-${d.customerCode}`));
  const seen = new Set([
    ...drafts.map((d) => d.customerCode),
    ...before.map((b) => b.code),
    ...computed.parked.map((p) => p.customerCode),
  ]);
  return {
    month: opts.month,
    issueDate: opts.issueDate,
    dryRun: true,
    issued: drafts,
    alreadyIssued: before.map((b) => ({
      number: b.number,
      customerCode: b.code,
      subtotal: b.subtotal,
      tax: b.tax,
      total: b.total,
    })),
    skipped: (await activeCustomerCodes(db, customerId)).filter((c) => !seen.has(c)),
    parked: computed.parked.map((p) => ({ customerCode: p.customerCode, reason: p.reason })),
    totals: { subtotal: sum(drafts, 'subtotal'), tax: sum(drafts, 'tax'), total: sum(drafts, 'total') },
    folder,
    register,
    filesWritten: written.files.length * 2,
    printPack: null,
    timings: { pdfMs: 0, detailMs: 0 },
  };
}

function summaryOf(d: InvoiceDraft, number: string): IssuedSummary {
  return { number, customerCode: d.customerCode, subtotal: d.subtotal, tax: d.tax, total: d.total };
}

function draftFactsOf(d: InvoiceDraft, opts: InvoiceRunOptions): RegisterFacts {
  return {
    invoice_number: `DRAFT-${d.customerCode}`,
    customer_code: d.customerCode,
    customer_name: d.customerName,
    period: opts.month,
    invoice_date: opts.issueDate,
    due_date: dueDateFor(opts.issueDate),
    messages: d.messages,
    parts: d.parts,
    subtotal: d.subtotal,
    tax: d.tax,
    total: d.total,
    status: 'draft',
    credited: 0,
    open: d.total,
  };
}

/** Product and operator names as the invoice prints them. */
async function displayNames(db: Db) {
  return {
    products: new Map((await db.selectFrom('products').selectAll().execute()).map((p) => [p.code, p.name])),
    operators: new Map((await db.selectFrom('operators').selectAll().execute()).map((o) => [o.id, o.name])),
  };
}

async function draftPdfData(
  db: Db,
  config: Config,
  labels: Awaited<ReturnType<typeof displayNames>>,
  d: InvoiceDraft,
  opts: InvoiceRunOptions,
  period: string,
) {
  const customer = await db
    .selectFrom('customers')
    .select(['address', 'npwp'])
    .where('id', '=', d.customerId)
    .executeTakeFirstOrThrow();
  return {
    draft: true,
    ...sellerOf(config),
    buyer: { code: d.customerCode, name: d.customerName, address: customer.address, npwp: customer.npwp },
    number: 'DRAFT',
    invoiceDate: opts.issueDate,
    dueDate: dueDateFor(opts.issueDate),
    periodStart: period,
    periodEnd: lastDayOf(opts.month),
    lines: d.lines.map((l) => ({
      ...l,
      product: labels.products.get(l.product) ?? l.product,
      operator: labels.operators.get(l.operator) ?? l.operator,
    })),
    subtotal: d.subtotal,
    tax: { label: d.taxRule.label, dppHundredths: d.dppHundredths, dpp: d.dpp, amount: d.tax },
    total: d.total,
    deposit: { balance: d.depositBalance, quota: d.quota, used: d.subtotal },
    priceLists: d.priceLists,
    partsPerDay: everyDay(
      period,
      lastDayOf(opts.month),
      d.partsPerDay.map((p) => [p.date, p.parts] as const),
    ),
  };
}
