import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { InvoiceStatus, MailStatus, ReviewState } from '../db/schema.ts';
import { existingDetail, invoicePathsOf } from '../documents/invoice-paths.ts';

export interface InvoiceLine {
  readonly product: string;
  readonly operator: string;
  readonly messages: number;
  readonly parts: number;
  readonly unitPrice: number | null;
  readonly amount: number;
}

export interface HistoryEntry {
  readonly at: Date;
  readonly event: string;
  readonly actor: string | null;
  readonly detail: string | null;
}

export interface InvoiceMail {
  readonly id: number;
  readonly kind: string;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
}

export interface InvoiceDetail {
  readonly id: number;
  readonly number: string;
  /** 'YYYY-MM' of the invoice's period. */
  readonly month: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly customerCode: string;
  readonly customerName: string;
  readonly emails: ReadonlyArray<string>;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly messages: number;
  readonly parts: number;
  readonly subtotal: number;
  readonly tax: number;
  readonly taxLabel: string;
  /** R6: DPP Nilai Lain as on the invoice: whole rupiah (from 22 May 2025) or hundredths (before), else null. */
  readonly dpp: { readonly whole: number } | { readonly hundredths: number } | null;
  readonly total: number;
  readonly paidAmount: number;
  readonly status: InvoiceStatus;
  readonly reviewState: ReviewState;
  readonly reviewNote: string | null;
  readonly voidReason: string | null;
  readonly replaces: { readonly id: number; readonly number: string } | null;
  readonly replacedBy: { readonly id: number; readonly number: string } | null;
  readonly lines: ReadonlyArray<InvoiceLine>;
  readonly mails: ReadonlyArray<InvoiceMail>;
  /** Oldest first: the invoice's events, with the mails that went out. */
  readonly history: ReadonlyArray<HistoryEntry>;
  /** R17: the No. Faktur Pajak Coretax gave the invoice ('efaktur import-numbers'); null until imported. */
  readonly fakturNumber: { readonly number: string; readonly date: string } | null;
  /** The files on disk (null when missing). */
  readonly pdf: string | null;
  readonly detailCsv: string | null;
}

/** Where the invoice run puts an invoice's PDF and detail CSV (plain or gzipped), when they exist. */
export function invoiceFilesOf(
  outDir: string,
  month: string,
  number: string,
  customerCode: string,
): { pdf: string | null; detailCsv: string | null } {
  const paths = invoicePathsOf(outDir, month, number, customerCode);
  return { pdf: existsSync(paths.pdf) ? paths.pdf : null, detailCsv: existingDetail(paths) };
}

async function invoiceRow(db: Db, id: number) {
  return db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .leftJoin('invoices as r', 'r.id', 'i.replaces_invoice_id')
    .leftJoin('faktur_numbers as f', 'f.invoice_id', 'i.id')
    .select([
      'f.faktur_number',
      sql<string | null>`f.faktur_date::text`.as('faktur_date'),
      'i.id',
      'i.number',
      'i.period',
      'i.period_end',
      'i.invoice_date',
      'i.due_date',
      'i.messages',
      'i.parts',
      'i.subtotal',
      'i.tax',
      'i.tax_label',
      'i.dpp',
      'i.dpp_hundredths',
      'i.total',
      'i.paid_amount',
      'i.status',
      'i.review_state',
      'i.review_note',
      'i.void_reason',
      'r.id as replaces_id',
      'r.number as replaces_number',
      'c.code',
      'c.name',
      'c.emails',
    ])
    .where('i.id', '=', id)
    .executeTakeFirst();
}

/** The invoice that replaced this one, its lines, its mails and its events. */
async function relatedOf(db: Db, id: number) {
  return Promise.all([
    db
      .selectFrom('invoices')
      .select(['id', 'number'])
      .where('replaces_invoice_id', '=', id)
      .orderBy('id', 'desc')
      .executeTakeFirst(),
    db
      .selectFrom('invoice_lines as l')
      .innerJoin('products as p', 'p.code', 'l.product')
      .innerJoin('operators as o', 'o.id', 'l.operator')
      .select([
        'p.name as product',
        'o.name as operator',
        'l.messages',
        'l.parts',
        'l.unit_price',
        'l.amount',
      ])
      .where('l.invoice_id', '=', id)
      .orderBy('l.product')
      .orderBy('l.operator')
      .execute(),
    db
      .selectFrom('mail_outbox')
      .select(['id', 'kind', 'status', 'attempts', 'last_error', 'sent_at'])
      .where('invoice_id', '=', id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('invoice_events')
      .select(['at', 'event', 'actor', 'detail'])
      .where('invoice_id', '=', id)
      .orderBy('id')
      .execute(),
  ]);
}

/** One invoice with its lines, mails, history and files; null when there is no such invoice. */
export async function loadInvoice(db: Db, outDir: string, id: number): Promise<InvoiceDetail | null> {
  const inv = await invoiceRow(db, id);
  if (!inv) return null;
  const [replacedBy, lines, mails, events] = await relatedOf(db, id);
  const mailed: HistoryEntry[] = mails
    .filter((m) => m.sent_at !== null)
    .map((m) => ({ at: m.sent_at!, event: 'mailed', actor: null, detail: m.kind }));
  const history = [...events, ...mailed].sort((a, b) => a.at.getTime() - b.at.getTime());
  const month = inv.period.slice(0, 7);
  const files = invoiceFilesOf(outDir, month, inv.number, inv.code);
  return {
    id: inv.id,
    number: inv.number,
    month,
    periodStart: inv.period,
    periodEnd: inv.period_end,
    customerCode: inv.code,
    customerName: inv.name,
    emails: inv.emails,
    invoiceDate: inv.invoice_date,
    dueDate: inv.due_date,
    messages: inv.messages,
    parts: inv.parts,
    subtotal: inv.subtotal,
    tax: inv.tax,
    taxLabel: inv.tax_label,
    dpp:
      inv.dpp !== null
        ? { whole: inv.dpp }
        : inv.dpp_hundredths !== null
          ? { hundredths: inv.dpp_hundredths }
          : null,
    total: inv.total,
    paidAmount: inv.paid_amount,
    status: inv.status,
    reviewState: inv.review_state,
    reviewNote: inv.review_note,
    voidReason: inv.void_reason,
    replaces:
      inv.replaces_id !== null && inv.replaces_number !== null
        ? { id: inv.replaces_id, number: inv.replaces_number }
        : null,
    replacedBy: replacedBy ?? null,
    lines: lines.map((l) => ({
      product: l.product,
      operator: l.operator,
      messages: l.messages,
      parts: l.parts,
      unitPrice: l.unit_price,
      amount: l.amount,
    })),
    mails: mails.map((m) => ({
      id: m.id,
      kind: m.kind,
      status: m.status,
      attempts: m.attempts,
      lastError: m.last_error,
      sentAt: m.sent_at,
    })),
    history,
    fakturNumber:
      inv.faktur_number !== null && inv.faktur_date !== null
        ? { number: inv.faktur_number, date: inv.faktur_date }
        : null,
    pdf: files.pdf,
    detailCsv: files.detailCsv,
  };
}
