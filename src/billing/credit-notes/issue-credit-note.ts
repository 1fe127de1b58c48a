// R16: issues one credit note in the caller's transaction: the invoice row locked, what is credited and its PPN
// by the pure rules (domain/credit-note.ts, R6 by the rule in force on the credit date), the year's next CN number
// from a locked counter row (no gap on rollback, as R7), and the trigger credit_note_apply, which refuses a total
// over what is left and turns what exceeds the open amount into customer credit.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { CreditNoteKind } from '../../db/schema.ts';
import {
  CreditNoteRefused,
  creditedLines,
  creditNoteAmounts,
  creditNoteNumber,
  type LineRequest,
} from '../../domain/credit-note.ts';
import type { Rupiah } from '../../domain/money.ts';
import { taxRuleFor } from '../../domain/tax.ts';
import { queueMail } from '../../mail/outbox.ts';
import { BillingRefused } from '../billing-refused.ts';
import { loadTaxRules } from '../invoicing/reference-data.ts';

/** What to credit: whole lines or parts of them, an amount before PPN, or the whole invoice (void, R16). */
export type CreditRequest =
  | { readonly kind: 'lines'; readonly lines: ReadonlyArray<LineRequest> }
  | { readonly kind: 'amount'; readonly subtotal: Rupiah }
  | { readonly kind: 'void' };

export interface CreditNoteInput {
  readonly invoiceId: number;
  readonly creditDate: string;
  readonly reason: string;
  readonly actor: string;
  readonly request: CreditRequest;
  /** Queue the credit note's own mail (void-and-reissue sends one mail of its own instead). */
  readonly mail: boolean;
}

export interface IssuedCreditNote {
  readonly id: number;
  readonly number: string;
  readonly invoiceNumber: string;
  readonly customerCode: string;
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  readonly total: Rupiah;
  /** What reduced the invoice's open amount; the rest became customer credit. */
  readonly reducedOpen: Rupiah;
  readonly toCredit: Rupiah;
}

async function lockInvoice(trx: Db, invoiceId: number) {
  const invoice = await trx
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.customer_id', 'i.status', 'i.subtotal', 'i.tax', 'c.code'])
    .select(['i.credited_subtotal', 'i.credited_total'])
    .where('i.id', '=', invoiceId)
    .forUpdate('i')
    .executeTakeFirst();
  if (!invoice) throw new BillingRefused(`There is no invoice ${invoiceId}.`);
  if (invoice.status === 'void') {
    throw new BillingRefused(`${invoice.number} is void; a credit note corrects a live invoice only.`);
  }
  return invoice;
}

async function creditedSubtotal(trx: Db, invoice: { id: number; number: string }, request: CreditRequest) {
  if (request.kind === 'amount') return { subtotal: request.subtotal, lines: [] };
  const lines = await trx
    .selectFrom('invoice_lines')
    .select(['product', 'operator', 'parts', 'unit_price as unitPrice', 'amount'])
    .where('invoice_id', '=', invoice.id)
    .orderBy('product')
    .orderBy('operator')
    .execute();
  const credited = request.kind === 'lines' ? creditedLines(invoice.number, lines, request.lines) : lines;
  return { subtotal: credited.reduce((s, l) => s + l.amount, 0), lines: credited };
}

/** R16: the credit note, its lines, the invoice's event and (unless told not to) its mail; refusals say why. */
export async function issueCreditNote(trx: Db, input: CreditNoteInput): Promise<IssuedCreditNote> {
  const invoice = await lockInvoice(trx, input.invoiceId);
  const rule = taxRuleFor(await loadTaxRules(trx), input.creditDate);
  if (!rule)
    throw new BillingRefused(`No tax rule is in force on ${input.creditDate} (R6); add one to tax_rules.`);
  const credited = await creditedSubtotal(trx, invoice, input.request);
  const creditable = {
    number: invoice.number,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    creditedSubtotal: invoice.credited_subtotal,
    creditedTotal: invoice.credited_total,
  };
  const subtotal =
    input.request.kind === 'void' ? invoice.subtotal - invoice.credited_subtotal : credited.subtotal;
  const amounts = creditNoteAmounts(creditable, subtotal, rule);
  const year = Number(input.creditDate.slice(0, 4));
  const counter = await sql<{ last_number: number }>`
    insert into credit_note_counters (year, last_number) values (${year}, 1)
    on conflict (year) do update set last_number = credit_note_counters.last_number + 1
    returning last_number
  `.execute(trx);
  const sequence = counter.rows[0]!.last_number;
  const number = creditNoteNumber(input.creditDate, sequence);
  const kind: CreditNoteKind = input.request.kind;
  const note = await trx
    .insertInto('credit_notes')
    .values({
      number,
      year,
      sequence,
      invoice_id: invoice.id,
      customer_id: invoice.customer_id,
      credit_date: input.creditDate,
      kind,
      reason: input.reason,
      subtotal: amounts.subtotal,
      tax: amounts.tax,
      total: amounts.total,
      tax_label: amounts.taxLabel,
      dpp_hundredths: amounts.dppHundredths,
      actor: input.actor,
    })
    .returning(['id', 'reduced_open', 'to_credit'])
    .executeTakeFirstOrThrow();
  if (credited.lines.length > 0) {
    await trx
      .insertInto('credit_note_lines')
      .values(credited.lines.map((l) => ({ credit_note_id: note.id, ...lineRow(l) })))
      .execute();
  }
  const detail = `${number}, total ${amounts.total} (${note.reduced_open} off the open amount, ${note.to_credit} to customer credit): ${input.reason}`;
  await trx
    .insertInto('invoice_events')
    .values({ invoice_id: invoice.id, event: 'credit_note', actor: input.actor, detail })
    .execute();
  if (input.mail) {
    await queueMail(trx, {
      kind: 'credit_note_issued',
      subjectKey: `credit-note:${note.id}`,
      customerId: invoice.customer_id,
      invoiceId: invoice.id,
      payload: { credit_note_id: note.id },
    });
  }
  return {
    id: note.id,
    number,
    invoiceNumber: invoice.number,
    customerCode: invoice.code,
    subtotal: amounts.subtotal,
    tax: amounts.tax,
    total: amounts.total,
    reducedOpen: note.reduced_open,
    toCredit: note.to_credit,
  };
}

function lineRow(l: {
  product: string;
  operator: string;
  parts: number;
  unitPrice: number | null;
  amount: number;
}) {
  return {
    product: l.product as never,
    operator: l.operator as never,
    parts: l.parts,
    unit_price: l.unitPrice,
    amount: l.amount,
  };
}

/** One credit note in its own transaction; a refusal of the rules or of the database check becomes BillingRefused. */
export async function createCreditNote(db: Db, input: CreditNoteInput): Promise<IssuedCreditNote> {
  try {
    return await db.transaction().execute((trx) => issueCreditNote(trx, input));
  } catch (error) {
    throw asRefusal(error);
  }
}

/** The rules' and the database's refusals as BillingRefused, with what to do; anything else as it is. */
export function asRefusal(error: unknown): unknown {
  if (error instanceof CreditNoteRefused) return new BillingRefused(`${error.message} Nothing was issued.`);
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code === '23514' && e.constraint === 'invoices_credited_within') {
    return new BillingRefused(
      "The credit note was refused: it would credit more than is left on the invoice. See 'npm run credit-notes -- list --invoice …'; nothing was issued.",
    );
  }
  if (e.code === '23514' && e.constraint === 'credit_notes_live_invoice') {
    return new BillingRefused(`The credit note was refused: ${e.message}. Nothing was issued.`);
  }
  return error;
}
