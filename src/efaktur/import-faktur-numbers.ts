import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { type FakturNumberRow, parseFakturNumberRows } from './faktur-number-rows.ts';

export class FakturNumberFileError extends Error {
  override readonly name = 'FakturNumberFileError';
}

export interface FakturNumberImport {
  readonly file: string;
  readonly form: 'coretax' | 'plain';
  readonly rows: number;
  readonly stored: number;
  /** The invoices that got a faktur number in this import (none on a second import of the same file). */
  readonly storedInvoiceIds: ReadonlyArray<number>;
  readonly unchanged: number;
  /** Rows naming no invoice of ours. */
  readonly unmatched: ReadonlyArray<{
    readonly row: number;
    readonly reference: string;
    readonly reason: string;
  }>;
  /** Rows refused for another reason (bad number or date, not approved, a conflict). */
  readonly refused: ReadonlyArray<{
    readonly row: number;
    readonly reference: string;
    readonly reason: string;
  }>;
}

async function readRecords(file: string): Promise<string[][]> {
  try {
    // Coretax's grid export saved from a spreadsheet may use ';' (Indonesian locale) as well as ','.
    return parse(await readFile(file, 'utf8'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      delimiter: [',', ';'],
    });
  } catch (error) {
    throw new FakturNumberFileError(`${file} could not be read as CSV: ${(error as Error).message}`);
  }
}

type Outcome =
  | { kind: 'stored'; invoiceId: number }
  | { kind: 'unchanged' }
  | { kind: 'unmatched'; reason: string }
  | { kind: 'refused'; reason: string };

async function storeOne(db: Db, r: FakturNumberRow, source: string): Promise<Outcome> {
  const invoice = await db
    .selectFrom('invoices')
    .select(['id', 'status'])
    .where('number', '=', r.reference)
    .executeTakeFirst();
  if (!invoice) return { kind: 'unmatched', reason: `no invoice numbered ${r.reference}` };
  if (invoice.status === 'void') {
    return {
      kind: 'refused',
      reason: `invoice ${r.reference} is void; cancel faktur ${r.fakturNumber} in Coretax`,
    };
  }
  const had = await db
    .selectFrom('faktur_numbers')
    .select(['faktur_number', sql<string>`faktur_date::text`.as('faktur_date')])
    .where('invoice_id', '=', invoice.id)
    .executeTakeFirst();
  if (had) {
    if (had.faktur_number === r.fakturNumber) return { kind: 'unchanged' };
    return {
      kind: 'refused',
      reason: `invoice ${r.reference} already has faktur ${had.faktur_number} (${had.faktur_date}); a replacement faktur is not taken over automatically`,
    };
  }
  const other = await db
    .selectFrom('faktur_numbers as f')
    .innerJoin('invoices as i', 'i.id', 'f.invoice_id')
    .select('i.number')
    .where('f.faktur_number', '=', r.fakturNumber)
    .executeTakeFirst();
  if (other)
    return { kind: 'refused', reason: `faktur ${r.fakturNumber} already belongs to invoice ${other.number}` };
  await db
    .insertInto('faktur_numbers')
    .values({ invoice_id: invoice.id, faktur_number: r.fakturNumber, faktur_date: r.date, source })
    .execute();
  return { kind: 'stored', invoiceId: invoice.id };
}

export interface FakturNumberImportOptions {
  /**
   * Runs in the import's transaction once the numbers are stored, with the invoices that got one (R17: their PDFs
   * are re-rendered here); when it throws, nothing is stored.
   */
  readonly onStored?: (trx: Db, invoiceIds: ReadonlyArray<number>) => Promise<void>;
}

/** R17 `efaktur import-numbers FILE.csv`: stores each faktur number on its invoice; a second import changes nothing. */
export async function importFakturNumbers(
  db: Db,
  file: string,
  options: FakturNumberImportOptions = {},
): Promise<FakturNumberImport> {
  const parsed = parseFakturNumberRows(await readRecords(file));
  if (!parsed.ok) throw new FakturNumberFileError(`${file}: ${parsed.problem}`);
  const unmatched: Array<{ row: number; reference: string; reason: string }> = [];
  const refused = [...parsed.refused];
  const storedInvoiceIds: number[] = [];
  let unchanged = 0;
  const source = path.basename(file);
  // One transaction: a failure half-way stores nothing, and the file can simply be imported again.
  await db.transaction().execute(async (trx) => {
    for (const r of parsed.rows) {
      const outcome = await storeOne(trx, r, source);
      if (outcome.kind === 'stored') storedInvoiceIds.push(outcome.invoiceId);
      else if (outcome.kind === 'unchanged') unchanged += 1;
      else {
        const list = outcome.kind === 'unmatched' ? unmatched : refused;
        list.push({ row: r.row, reference: r.reference, reason: outcome.reason });
      }
    }
    if (storedInvoiceIds.length > 0) await options.onStored?.(trx, storedInvoiceIds);
  });
  return {
    file,
    form: parsed.form,
    rows: parsed.rows.length + parsed.refused.length,
    stored: storedInvoiceIds.length,
    storedInvoiceIds,
    unchanged,
    unmatched,
    refused: refused.sort((a, b) => a.row - b.row),
  };
}
