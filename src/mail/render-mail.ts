import path from 'node:path';
import type { Selectable } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import type { MailOutboxTable } from '../db/schema.ts';
import { creditNoteMailParts, isCreditNoteKind } from './credit-note-mail.ts';
import { invoiceAttachments, type MailAttachment } from './mail-attachments.ts';
import { oneLine, renderTemplate } from './mail-templates.ts';
import { type InvoiceFacts, isInvoiceKind, MailPayloadError, mailView } from './mail-view.ts';
import type { MailKind } from './outbox.ts';

export type OutboxRow = Selectable<MailOutboxTable>;

/** A named address; nodemailer encodes the name (quotes, non-ASCII), so no header is ever built by hand here. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

export interface RenderedMail {
  readonly to: ReadonlyArray<MailAddress>;
  readonly cc: ReadonlyArray<string>;
  readonly bcc: ReadonlyArray<string>;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: ReadonlyArray<MailAttachment>;
  /** Things finance should know, e.g. a usage detail left out for its size. */
  readonly notes: ReadonlyArray<string>;
}

/** The mail is no longer wanted (its invoice was voided): cancelled, not sent. */
export class MailObsolete extends Error {
  override readonly name = 'MailObsolete';
}

const KINDS: ReadonlySet<string> = new Set<MailKind>([
  'invoice_issued',
  'reminder_before_due',
  'reminder_overdue',
  'quota_warning',
  'quota_suspended',
  'settled_from_deposit',
  'suspended_unpaid',
  'payment_received',
  'account_closed',
  'credit_note_issued',
  'invoice_replaced',
  'prepaid_topup',
  'prepaid_forfeit_warning',
  'prepaid_forfeited',
  'prepaid_statement',
]);

/** R15: a prepaid notice names its PDF and CSV (relative to the out folder), attached as they are on disk. */
function payloadFiles(
  config: Config,
  payload: Readonly<Record<string, unknown>>,
): ReadonlyArray<MailAttachment> {
  const files = Array.isArray(payload.files) ? payload.files.filter((f) => typeof f === 'string') : [];
  return files.map((file: string) => ({
    filename: path.basename(file),
    contentType: file.endsWith('.pdf') ? 'application/pdf' : 'text/csv',
    path: path.join(config.outDir, file),
  }));
}

async function loadCustomer(database: Database, row: OutboxRow) {
  if (row.customer_id === null) {
    throw new MailPayloadError(`Mail ${row.id} (${row.kind}) has no customer, so no one to send it to.`);
  }
  return database.db
    .selectFrom('customers')
    .select(['code', 'name', 'emails'])
    .where('id', '=', row.customer_id)
    .executeTakeFirstOrThrow();
}

async function loadInvoice(database: Database, row: OutboxRow): Promise<InvoiceFacts & { status: string }> {
  if (row.invoice_id === null) {
    throw new MailPayloadError(`Mail ${row.id} (${row.kind}) names no invoice.`);
  }
  const i = await database.db
    .selectFrom('invoices')
    .select([
      'number',
      'period',
      'period_end',
      'kind',
      'invoice_date',
      'due_date',
      'total',
      'paid_amount',
      'credit_reduced',
      'credit_used',
      'tax_label',
      'status',
    ])
    .where('id', '=', row.invoice_id)
    .executeTakeFirstOrThrow();
  return {
    number: i.number,
    period: i.period,
    periodEnd: i.period_end,
    kind: i.kind,
    invoiceDate: i.invoice_date,
    dueDate: i.due_date,
    total: i.total,
    paidAmount: i.paid_amount,
    credited: i.credit_reduced + i.credit_used,
    taxLabel: i.tax_label,
    status: i.status,
  };
}

/**
 * Builds one queued mail: recipients (the customer's billing addresses in To, finance in Cc/Bcc), subject, text
 * and HTML from templates/mail/<kind>.mustache, and for invoice mails the PDF and usage detail (R14).
 * OTP texts never reach a mail: no template is given any message content.
 */
export async function renderMail(database: Database, config: Config, row: OutboxRow): Promise<RenderedMail> {
  if (!KINDS.has(row.kind)) throw new MailPayloadError(`Mail ${row.id} has an unknown kind '${row.kind}'.`);
  const kind = row.kind as MailKind;
  const customer = await loadCustomer(database, row);
  // A customer name may hold anything; in a header it stays one line (nodemailer encodes the rest).
  const name = oneLine(customer.name);
  const payload =
    row.payload !== null && typeof row.payload === 'object' ? (row.payload as Record<string, unknown>) : {};
  const notes: string[] = [];
  let attachments: ReadonlyArray<MailAttachment> = [];
  let view: Record<string, unknown>;
  if (isInvoiceKind(kind)) {
    const invoice = await loadInvoice(database, row);
    if (invoice.status === 'void') throw new MailObsolete(`invoice ${invoice.number} is void`);
    const files = await invoiceAttachments(database, config, {
      invoiceId: row.invoice_id!,
      number: invoice.number,
      customerCode: customer.code,
      period: invoice.period,
    });
    attachments = files.attachments;
    if (files.note) notes.push(files.note);
    view = mailView({
      kind,
      config,
      customer: { code: customer.code, name },
      invoice,
      attachments: files.facts,
      payload,
    });
  } else if (isCreditNoteKind(kind)) {
    // R16: the facts come from the credit note and its invoices, the PDFs ride along.
    const parts = await creditNoteMailParts(database, config, row, payload);
    attachments = parts.attachments;
    notes.push(...parts.notes);
    view = mailView({ kind, config, customer: { code: customer.code, name }, payload: parts.facts });
  } else {
    view = mailView({ kind, config, customer: { code: customer.code, name }, payload });
    attachments = payloadFiles(config, payload);
  }
  const rendered = renderTemplate(kind, view);
  return {
    to: customer.emails.map((address) => ({ name, address: address.trim() })),
    // Finance gets a copy of every mail, quota warnings included (R10).
    cc: config.financeCc,
    bcc: config.financeBcc,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    attachments,
    notes,
  };
}
