// R16: a credit note's PDF beside the invoice it corrects (<out>/<YYYY-MM of the invoice's period>/), and the
// month's credit_notes.csv beside register.csv. An issued credit note's PDF is written once and never changes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { renderCreditNotePdf } from '../../documents/credit-note-pdf.ts';
import type { CreditNotePdfData } from '../../documents/credit-note-pdf-data.ts';
import { monthFolder } from '../../documents/invoice-paths.ts';
import { spreadsheetSafe } from '../../documents/register-csv.ts';
import { safeFileStem, writeFileAtomic } from '../../documents/write-atomic.ts';
import { listCreditNotes } from './list-credit-notes.ts';

async function loadCreditNote(db: Db, id: number) {
  return db
    .selectFrom('credit_notes as n')
    .innerJoin('invoices as i', 'i.id', 'n.invoice_id')
    .innerJoin('customers as c', 'c.id', 'n.customer_id')
    .selectAll('n')
    .select([
      'i.number as invoice_number',
      'i.invoice_date',
      'i.period',
      'c.code',
      'c.name',
      'c.address',
      'c.npwp',
    ])
    .where('n.id', '=', id)
    .executeTakeFirstOrThrow();
}

type NoteRow = Awaited<ReturnType<typeof loadCreditNote>>;

export function creditNotePdfPath(
  config: Config,
  note: { number: string; code: string; period: string },
): string {
  return path.join(
    monthFolder(config.outDir, note.period.slice(0, 7)),
    `${safeFileStem(note.number, note.code)}.pdf`,
  );
}

async function pdfDataOf(db: Db, config: Config, note: NoteRow): Promise<CreditNotePdfData> {
  const lines = await db
    .selectFrom('credit_note_lines')
    .select(['product', 'operator', 'parts', 'unit_price', 'amount'])
    .where('credit_note_id', '=', note.id)
    .orderBy('product')
    .orderBy('operator')
    .execute();
  return {
    seller: config.company,
    buyer: { code: note.code, name: note.name, address: note.address, npwp: note.npwp },
    number: note.number,
    date: note.credit_date,
    invoiceNumber: note.invoice_number,
    invoiceDate: note.invoice_date,
    kind: note.kind,
    reason: note.reason,
    lines: lines.map((l) => ({ ...l, unitPrice: l.unit_price })),
    subtotal: note.subtotal,
    tax: { label: note.tax_label, dppHundredths: note.dpp_hundredths, amount: note.tax },
    total: note.total,
    reducedOpen: note.reduced_open,
    toCredit: note.to_credit,
  };
}

/** The credit note's PDF, rendered if it is not on disk yet; returns its path. */
export async function writeCreditNotePdf(db: Db, config: Config, creditNoteId: number): Promise<string> {
  const note = await loadCreditNote(db, creditNoteId);
  const file = creditNotePdfPath(config, note);
  if (!existsSync(file))
    await writeFileAtomic(file, await renderCreditNotePdf(await pdfDataOf(db, config, note)));
  return file;
}

export const CREDIT_NOTE_COLUMNS = [
  'credit_note_number',
  'credit_date',
  'invoice_number',
  'customer_code',
  'kind',
  'subtotal',
  'tax',
  'total',
  'reduced_open',
  'to_credit',
  'reason',
  'pdf',
] as const;

/** R16: <month folder>/credit_notes.csv: the credit notes of the month's invoices, in number order. */
export async function writeCreditNotesCsv(db: Db, config: Config, month: string): Promise<string> {
  const rows = await listCreditNotes(db, { period: month });
  const file = path.join(monthFolder(config.outDir, month), 'credit_notes.csv');
  const csv = stringify(
    rows.map((r) =>
      [
        r.number,
        r.credit_date,
        r.invoice_number,
        r.customer_code,
        r.kind,
        r.subtotal,
        r.tax,
        r.total,
        r.reduced_open,
        r.to_credit,
        r.reason,
        `${safeFileStem(r.number, r.customer_code)}.pdf`,
      ].map(spreadsheetSafe),
    ),
    { header: true, columns: [...CREDIT_NOTE_COLUMNS], record_delimiter: '\n' },
  );
  await writeFileAtomic(file, csv);
  return file;
}
