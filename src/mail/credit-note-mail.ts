// R16: what the credit note mails carry: the facts their templates format (as a notice payload) and the PDFs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeCreditNotePdf } from '../billing/credit-notes/credit-note-files.ts';
import { writeVoidInvoicePdf } from '../billing/invoicing/invoice-files.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { invoicePathsOf } from '../documents/invoice-paths.ts';
import { invoiceAttachments, type MailAttachment } from './mail-attachments.ts';
import { MailPayloadError } from './mail-view.ts';
import type { OutboxRow } from './render-mail.ts';

export type CreditNoteKind = 'credit_note_issued' | 'invoice_replaced';

export function isCreditNoteKind(kind: string): kind is CreditNoteKind {
  return kind === 'credit_note_issued' || kind === 'invoice_replaced';
}

function idIn(payload: Readonly<Record<string, unknown>>, key: string, row: OutboxRow): number {
  const v = payload[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new MailPayloadError(
      `A ${row.kind} mail needs payload.${key} (an id); it holds ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

async function creditNoteOf(database: Database, config: Config, id: number) {
  const note = await database.db
    .selectFrom('credit_notes as n')
    .innerJoin('invoices as i', 'i.id', 'n.invoice_id')
    .innerJoin('customers as c', 'c.id', 'n.customer_id')
    .select(['n.number', 'n.credit_date', 'n.total', 'n.reduced_open', 'n.to_credit', 'n.reason'])
    .select(['i.number as invoice_number', 'i.period', 'c.code'])
    .where('n.id', '=', id)
    .executeTakeFirstOrThrow();
  const file = await writeCreditNotePdf(database.db, config, id);
  const pdf: MailAttachment = { filename: path.basename(file), contentType: 'application/pdf', path: file };
  return { note, pdf };
}

async function invoiceOf(database: Database, id: number) {
  return database.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.period', 'i.total', 'i.due_date', 'i.status', 'c.code'])
    .where('i.id', '=', id)
    .executeTakeFirstOrThrow();
}

export interface CreditNoteMailParts {
  /** Facts for the template, in the form of a notice payload (mail-view.ts formats them). */
  readonly facts: Record<string, unknown>;
  readonly attachments: ReadonlyArray<MailAttachment>;
  readonly notes: ReadonlyArray<string>;
}

/** The facts and attachments of a credit note mail, or of the one mail of a void-and-reissue (R16). */
export async function creditNoteMailParts(
  database: Database,
  config: Config,
  row: OutboxRow,
  payload: Readonly<Record<string, unknown>>,
): Promise<CreditNoteMailParts> {
  const { note, pdf } = await creditNoteOf(database, config, idIn(payload, 'credit_note_id', row));
  const creditFacts = {
    credit_note_number: note.number,
    credit_date: note.credit_date,
    invoice_number: note.invoice_number,
    total: note.total,
    reduced_open: note.reduced_open,
    to_credit: note.to_credit,
    reason: note.reason,
  };
  if (row.kind === 'credit_note_issued') return { facts: creditFacts, attachments: [pdf], notes: [] };
  if (row.invoice_id === null) throw new MailPayloadError(`Mail ${row.id} (${row.kind}) names no invoice.`);
  const replacement = await invoiceOf(database, row.invoice_id);
  const voided = await invoiceOf(database, idIn(payload, 'void_invoice_id', row));
  const files = await invoiceAttachments(database, config, {
    invoiceId: replacement.id,
    number: replacement.number,
    customerCode: replacement.code,
    period: replacement.period,
  });
  const voidPdf = invoicePathsOf(config.outDir, voided.period.slice(0, 7), voided.number, voided.code).pdf;
  if (!existsSync(voidPdf)) await writeVoidInvoicePdf(database, config, voided.id);
  return {
    facts: {
      ...creditFacts,
      void_invoice_number: voided.number,
      new_invoice_number: replacement.number,
      new_total: replacement.total,
      new_due_date: replacement.due_date,
    },
    attachments: [
      ...files.attachments,
      { filename: path.basename(voidPdf), contentType: 'application/pdf', path: voidPdf },
      pdf,
    ],
    notes: files.note ? [files.note] : [],
  };
}
