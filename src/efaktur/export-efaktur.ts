import { rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { withJobLock } from '../billing/job-lock.ts';
import type { Db } from '../db/connect.ts';
import { writeFileAtomic } from '../documents/write-atomic.ts';
import { fakturFiguresFor, fakturLinesFor } from '../domain/faktur-amounts.ts';
import { type FakturProblem, fakturProblemsOf } from '../domain/faktur-checks.ts';
import type { FakturCorrection } from '../domain/faktur-corrections.ts';
import { firstDayOf, type YearMonth } from '../domain/period.ts';
import { buildCoretaxXml, type SellerTax, type TaxInvoiceData } from './build-coretax-xml.ts';
import { INVOICES_PER_FILE } from './coretax-codes.ts';
import { writeCreditNotesManual } from './credit-notes-manual.ts';
import { type EfakturInvoice, loadEfakturMonth, voidedAfterExport } from './load-efaktur-month.ts';

export interface EfakturExportOptions {
  readonly month: YearMonth;
  readonly outDir: string;
  /** Export again the invoices already in an earlier file. */
  readonly again: boolean;
  /** 'YYYY-MM-DD' (WIB): a faktur may not be dated after it. */
  readonly today: string;
  readonly seller: SellerTax;
}

export interface EfakturFile {
  readonly file: string;
  readonly invoices: number;
  readonly vat: number;
  /** Masa pajak (tax periods, the months of the faktur dates) the file holds. */
  readonly taxPeriods: ReadonlyArray<string>;
}

export interface EfakturExportSummary {
  readonly month: YearMonth;
  readonly files: ReadonlyArray<EfakturFile>;
  readonly exported: number;
  readonly alreadyExported: number;
  /** Exported earlier, void since: cancel their faktur in Coretax (their credit notes are in creditNotes too). */
  readonly voidedAfterExport: ReadonlyArray<string>;
  readonly refused: ReadonlyArray<{
    readonly invoice: string;
    readonly customer: string;
    readonly problems: ReadonlyArray<FakturProblem>;
  }>;
  /** R16/R17: the credit notes of the month's invoices with their manual Coretax step, and the CSV listing them. */
  readonly creditNotes: {
    readonly file: string | null;
    readonly corrections: ReadonlyArray<FakturCorrection>;
  };
}

/** R6/R17: the TaxInvoice data of an invoice that passed the checks, from its stored amounts. */
export function taxInvoiceOf(inv: EfakturInvoice): TaxInvoiceData {
  // The checks refused an invoice without a rule before it got here.
  if (inv.taxRule === undefined) throw new Error(`Invoice ${inv.number}: no R6 rule for ${inv.invoiceDate}.`);
  const figures = fakturFiguresFor(inv.subtotal, inv.taxRule);
  const lines = fakturLinesFor(inv.lines, figures.dpp, inv.tax);
  return {
    number: inv.number,
    invoiceDate: inv.invoiceDate,
    buyerName: inv.buyerName,
    buyerAddress: inv.buyerAddress ?? '',
    buyerEmail: inv.buyerEmail,
    buyer: inv.buyer!,
    lines: inv.lines.map((l, i) => ({ name: l.name, figures: lines[i]! })),
  };
}

function chunks<T>(list: ReadonlyArray<T>, size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function nextFileSeq(db: Db, periodStart: string): Promise<number> {
  const row = await db
    .selectFrom('efaktur_exports')
    .select((eb) => eb.fn.max('file_seq').as('last'))
    .where('period', '=', periodStart)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

/**
 * `efaktur export`: writes <out>/<M>/efaktur/coretax-M-NNN.xml, 1 000 invoices a file, numbering on from the
 * files already written for the month; logs every invoice in the same transaction, so a failed run leaves
 * neither files nor log rows behind. Invoices that fail a check are reported and left out; the rest go.
 */
export async function exportEfaktur(
  db: Db,
  pool: pg.Pool,
  options: EfakturExportOptions,
): Promise<EfakturExportSummary> {
  return withJobLock(pool, `efaktur-export:${options.month}`, undefined, async () => {
    const periodStart = firstDayOf(options.month);
    const all = await loadEfakturMonth(db, periodStart);
    const pending = all.filter((inv) => options.again || !inv.exported);
    const refused: Array<EfakturExportSummary['refused'][number]> = [];
    const good: EfakturInvoice[] = [];
    for (const inv of pending) {
      const problems = fakturProblemsOf(
        { ...inv, lineAmounts: inv.lines.map((l) => l.amount) },
        options.today,
      );
      if (problems.length > 0) refused.push({ invoice: inv.number, customer: inv.customerCode, problems });
      else good.push(inv);
    }
    const files = await writeFiles(db, periodStart, good, options);
    const creditNotes = await writeCreditNotesManual(db, options.month, options.outDir);
    return {
      month: options.month,
      files,
      exported: good.length,
      alreadyExported: all.length - pending.length,
      voidedAfterExport: await voidedAfterExport(db, periodStart),
      refused,
      creditNotes,
    };
  });
}

async function writeFiles(
  db: Db,
  periodStart: string,
  invoices: ReadonlyArray<EfakturInvoice>,
  options: EfakturExportOptions,
): Promise<EfakturFile[]> {
  if (invoices.length === 0) return [];
  const dir = path.join(options.outDir, options.month, 'efaktur');
  const written: string[] = [];
  try {
    return await db.transaction().execute(async (trx) => {
      let seq = await nextFileSeq(trx, periodStart);
      const files: EfakturFile[] = [];
      for (const group of chunks(invoices, INVOICES_PER_FILE)) {
        const data = group.map(taxInvoiceOf);
        const name = `coretax-${options.month}-${String(seq).padStart(3, '0')}.xml`;
        const file = path.join(dir, name);
        const vat = group.reduce((a, inv) => a + inv.tax, 0);
        await trx
          .insertInto('efaktur_exports')
          .values(
            group.map((inv) => ({
              invoice_id: inv.id,
              period: periodStart,
              file_seq: seq,
              file: name,
              vat: inv.tax,
              again: inv.exported,
            })),
          )
          .execute();
        await writeFileAtomic(file, buildCoretaxXml(options.seller, data));
        written.push(file);
        const taxPeriods = [...new Set(group.map((inv) => inv.invoiceDate.slice(0, 7)))].sort();
        files.push({ file, invoices: group.length, vat, taxPeriods });
        seq += 1;
      }
      return files;
    });
  } catch (error) {
    // Nothing half-done: the log rolled back, so the files it named go too.
    await Promise.all(written.map((f) => rm(f, { force: true })));
    throw error;
  }
}
