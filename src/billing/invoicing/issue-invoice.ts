import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { CURRENT_TEMPLATE_VERSION } from '../../documents/invoice-template.ts';
import { dueDateFor } from '../../domain/dates.ts';
import { invoiceNumber } from '../../domain/invoice-number.ts';
import { queueMail } from '../../mail/outbox.ts';
import { useCustomerCredit } from '../credit-notes/use-customer-credit.ts';
import type { InvoiceDraft } from './compute-invoices.ts';

export interface IssueContext {
  /** 'YYYY-MM-01' */
  readonly period: string;
  /** Last day covered, inclusive ('YYYY-MM-DD'). */
  readonly periodEnd: string;
  readonly kind: 'monthly' | 'final';
  readonly invoiceDate: string;
  readonly snapshot: string;
  readonly actor: string;
  /** Hold the invoice's mail until finance approves it (review mode). */
  readonly holdMail: boolean;
  readonly replacesInvoiceId?: number;
  /** false: the caller queues the mail (void-and-reissue's one mail, R16). */
  readonly queueMail?: boolean;
}

export type IssueOutcome =
  | { readonly status: 'issued'; readonly invoiceId: number; readonly number: string }
  | { readonly status: 'already_issued'; readonly invoiceId: number; readonly number: string };

/** One column of the customer's row, read inside the insert (the same transaction as the invoice). */
function customerColumn<T>(customerId: number, column: 'name' | 'address' | 'npwp') {
  return sql<T>`(select ${sql.ref(column)} from customers where id = ${customerId})`;
}

async function liveInvoice(db: Db, customerId: number, period: string) {
  return db
    .selectFrom('invoices')
    .select(['id', 'number'])
    .where('customer_id', '=', customerId)
    .where('period', '=', period)
    .where('status', '<>', 'void')
    .executeTakeFirst();
}

/**
 * Issues one invoice in one transaction: the year's next number (a locked counter row, so a rolled-back
 * invoice leaves no gap — R7), the invoice, its lines, its history and its mail. The unique key on
 * (customer, period) makes a second invoice impossible whoever runs concurrently.
 */
export async function issueInvoice(db: Db, draft: InvoiceDraft, ctx: IssueContext): Promise<IssueOutcome> {
  const existing = await liveInvoice(db, draft.customerId, ctx.period);
  if (existing) return { status: 'already_issued', invoiceId: existing.id, number: existing.number };
  try {
    return await db.transaction().execute((trx) => issueInvoiceIn(trx, draft, ctx));
  } catch (error) {
    // Another run issued this customer's invoice between our check and our insert.
    if ((error as { code?: string }).code === '23505') {
      const other = await liveInvoice(db, draft.customerId, ctx.period);
      if (other) return { status: 'already_issued', invoiceId: other.id, number: other.number };
    }
    throw error;
  }
}

/** R7, R8: the invoice row, with the buyer as it is at issue. */
async function insertInvoiceRow(
  trx: Db,
  draft: InvoiceDraft,
  ctx: IssueContext,
  { number, year, sequence }: { readonly number: string; readonly year: number; readonly sequence: number },
): Promise<number> {
  const invoice = await trx
    .insertInto('invoices')
    .values({
      number,
      year,
      sequence,
      customer_id: draft.customerId,
      period: ctx.period,
      period_end: ctx.periodEnd,
      kind: ctx.kind,
      invoice_date: ctx.invoiceDate,
      due_date: dueDateFor(ctx.invoiceDate), // R8
      messages: draft.messages,
      parts: draft.parts,
      subtotal: draft.subtotal,
      tax: draft.tax,
      total: draft.total,
      tax_label: draft.taxRule.label,
      dpp_hundredths: draft.dppHundredths,
      dpp: draft.dpp,
      deposit_balance: draft.depositBalance,
      quota: draft.quota,
      parts_per_day: JSON.stringify(draft.partsPerDay.map((d) => [d.date, d.parts])),
      snapshot: ctx.snapshot,
      template_version: CURRENT_TEMPLATE_VERSION,
      review_state: ctx.holdMail ? 'awaiting_review' : 'approved',
      replaces_invoice_id: ctx.replacesInvoiceId ?? null,
      // R7: the buyer as it is at issue stays on the invoice; a later customer change does not reach it.
      buyer_name: customerColumn<string>(draft.customerId, 'name'),
      buyer_address: customerColumn<string | null>(draft.customerId, 'address'),
      buyer_npwp: customerColumn<string | null>(draft.customerId, 'npwp'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return invoice.id;
}

/** One row per (product, operator, band) line of the draft. */
async function insertInvoiceLines(trx: Db, invoiceId: number, draft: InvoiceDraft): Promise<void> {
  await trx
    .insertInto('invoice_lines')
    .values(
      draft.lines.map((l) => ({
        invoice_id: invoiceId,
        product: l.product,
        operator: l.operator,
        messages: l.messages,
        parts: l.parts,
        unit_price: l.unitPrice,
        amount: l.amount,
        price_list_id: l.priceListId,
        band_min_parts: l.bandMinParts,
      })),
    )
    .execute();
}

/** Issues the invoice in the caller's transaction (void-and-reissue runs it in its own, R16). */
export async function issueInvoiceIn(
  trx: Db,
  draft: InvoiceDraft,
  ctx: IssueContext,
): Promise<{ readonly status: 'issued'; readonly invoiceId: number; readonly number: string }> {
  const year = Number(ctx.invoiceDate.slice(0, 4));
  const counter = await sql<{ last_number: number }>`
        insert into invoice_counters (year, last_number) values (${year}, 1)
        on conflict (year) do update set last_number = invoice_counters.last_number + 1
        returning last_number
      `.execute(trx);
  const sequence = counter.rows[0]!.last_number;
  const number = invoiceNumber(ctx.invoiceDate, sequence);
  const invoiceId = await insertInvoiceRow(trx, draft, ctx, { number, year, sequence });
  await insertInvoiceLines(trx, invoiceId, draft);
  await trx
    .insertInto('invoice_events')
    .values({
      invoice_id: invoiceId,
      event: 'issued',
      actor: ctx.actor,
      detail: `${number}, total ${draft.total}`,
    })
    .execute();
  // R16: customer credit is used first by the next invoice.
  await useCustomerCredit(trx, {
    id: invoiceId,
    customerId: draft.customerId,
    total: draft.total,
    date: ctx.invoiceDate,
  });
  await trx
    .deleteFrom('invoice_parks')
    .where('period', '=', ctx.period)
    .where('customer_id', '=', draft.customerId)
    .execute();
  // The mail is queued in the same transaction: no invoice without its mail, and never twice. A reissue
  // queues its own one mail instead (R16).
  if (ctx.queueMail !== false) {
    await queueMail(trx, {
      kind: 'invoice_issued',
      subjectKey: `invoice:${invoiceId}`,
      customerId: draft.customerId,
      invoiceId,
      held: ctx.holdMail,
    });
  }
  return { status: 'issued' as const, invoiceId, number };
}
