import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { loadTaxRules } from '../billing/invoicing/reference-data.ts';
import type { Db } from '../db/connect.ts';
import { writeFileAtomic } from '../documents/write-atomic.ts';
import { type FakturCorrection, fakturCorrectionsOf } from '../domain/faktur-corrections.ts';
import { firstDayOf, type YearMonth } from '../domain/period.ts';
import { taxRuleFor } from '../domain/tax.ts';

export const CREDIT_NOTES_MANUAL_COLUMNS = [
  'credit_note_number',
  'credit_date',
  'invoice_number',
  'customer_code',
  'faktur_number',
  'credit_subtotal',
  'credit_dpp',
  'credit_ppn',
  'faktur_subtotal_after',
  'faktur_dpp_after',
  'faktur_ppn_after',
  'coretax_step',
  'instruction',
] as const;

/** R16/R17: the credit notes of the month's invoices, in number order, with their invoice and its faktur. */
async function loadCreditNotes(db: Db, month: YearMonth) {
  return db
    .selectFrom('credit_notes as n')
    .innerJoin('invoices as i', 'i.id', 'n.invoice_id')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .leftJoin('faktur_numbers as f', 'f.invoice_id', 'i.id')
    .select([
      'n.number',
      'n.credit_date',
      'n.subtotal',
      'n.tax',
      'i.id as invoice_id',
      'i.number as invoice_number',
      'i.invoice_date',
      'i.subtotal as invoice_subtotal',
      'i.tax as invoice_tax',
      'c.code',
      'f.faktur_number',
      sql<boolean>`exists (select 1 from efaktur_exports e where e.invoice_id = i.id)`.as('exported'),
    ])
    .where('i.period', '=', firstDayOf(month))
    .orderBy('n.year')
    .orderBy('n.sequence')
    .execute();
}

/**
 * R17 `efaktur export`: Coretax has no XML import for a seller's correction, so each credit note of the month's
 * invoices is listed with its Coretax step in <out>/<M>/efaktur/credit-notes-manual.csv (rewritten on each export;
 * none written when the month has no credit notes). Returns the rows and the file.
 */
export async function writeCreditNotesManual(
  db: Db,
  month: YearMonth,
  outDir: string,
): Promise<{ readonly file: string | null; readonly corrections: ReadonlyArray<FakturCorrection> }> {
  const [rows, rules] = await Promise.all([loadCreditNotes(db, month), loadTaxRules(db)]);
  const corrections = fakturCorrectionsOf(
    rows.map((r) => ({
      number: r.number,
      creditDate: r.credit_date,
      invoiceId: r.invoice_id,
      invoiceNumber: r.invoice_number,
      customerCode: r.code,
      invoiceSubtotal: r.invoice_subtotal,
      invoiceTax: r.invoice_tax,
      subtotal: r.subtotal,
      tax: r.tax,
      creditRule: taxRuleFor(rules, r.credit_date),
      invoiceRule: taxRuleFor(rules, r.invoice_date),
      exported: r.exported || r.faktur_number !== null,
      fakturNumber: r.faktur_number,
    })),
  );
  if (corrections.length === 0) return { file: null, corrections };
  const file = path.join(outDir, month, 'efaktur', 'credit-notes-manual.csv');
  const csv = stringify(
    corrections.map((c) => [
      c.creditNote,
      c.creditDate,
      c.invoice,
      c.customer,
      c.fakturNumber ?? '',
      c.subtotal,
      c.dpp ?? '',
      c.ppn,
      c.subtotalAfter,
      c.dppAfter ?? '',
      c.ppnAfter,
      c.step,
      c.instruction,
    ]),
    { header: true, columns: [...CREDIT_NOTES_MANUAL_COLUMNS], record_delimiter: '\n' },
  );
  await writeFileAtomic(file, csv);
  return { file, corrections };
}
