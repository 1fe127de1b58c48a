import { sql } from 'kysely';
import { type CorrectionLine, correctionsFor } from '../billing/credit-notes/corrections.ts';
import type { Db } from '../db/connect.ts';
import type { InvoiceStatus, MailStatus, ReviewState } from '../db/schema.ts';
import { firstDayOf, previousMonth } from '../domain/period.ts';
import { type Flag, invoiceFlags, parkedFlag, stoppedFlag } from './review-flags.ts';
import type { ReviewSettings } from './review-settings.ts';

export interface ReviewInvoice {
  readonly id: number;
  readonly number: string;
  readonly customerCode: string;
  readonly customerName: string;
  readonly kind: 'monthly' | 'final';
  readonly parts: number;
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly status: InvoiceStatus;
  readonly reviewState: ReviewState;
  readonly reviewNote: string | null;
  readonly voidReason: string | null;
  /** State of the invoice's own mail (invoice_issued); null when none was queued. */
  readonly mailStatus: MailStatus | null;
  readonly replacesNumber: string | null;
  readonly replacedByNumber: string | null;
  /** Void invoices raise none: they are no longer billed. */
  readonly flags: ReadonlyArray<Flag>;
}

/** A customer without a live invoice this month who needs a look: parked by the run, or stopped sending. */
export interface NotInvoiced {
  readonly customerCode: string;
  readonly customerName: string;
  readonly flag: Flag;
}

export interface MonthTotals {
  readonly count: number;
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
}

export interface ReviewMonth {
  readonly month: string;
  readonly previousMonth: string;
  readonly invoices: ReadonlyArray<ReviewInvoice>;
  readonly parked: ReadonlyArray<NotInvoiced>;
  readonly stopped: ReadonlyArray<NotInvoiced>;
  /** Active postpaid customers with neither an invoice nor a park (no billable usage, R7). */
  readonly skipped: ReadonlyArray<string>;
  /** Live (not void) invoices only. */
  readonly totals: MonthTotals;
  readonly previousTotals: MonthTotals;
  /** R17: live invoices of the month with and without an imported No. Faktur Pajak. */
  readonly fakturNumbers: { readonly with: number; readonly without: number };
  /** R16: what changed after the month's invoices were issued (the corrections report). */
  readonly corrections: ReadonlyArray<CorrectionLine>;
}

interface InvoiceRow {
  id: number;
  number: string;
  code: string;
  name: string;
  kind: 'monthly' | 'final';
  parts: number;
  subtotal: number;
  tax: number;
  total: number;
  invoice_date: string;
  due_date: string;
  status: InvoiceStatus;
  review_state: ReviewState;
  review_note: string | null;
  void_reason: string | null;
  mail_status: MailStatus | null;
  other_parts: number;
  previous_parts: number | null;
  quota_reached: boolean;
  replaces_number: string | null;
  replaced_by_number: string | null;
}

async function invoicesOf(db: Db, period: string, previousPeriod: string): Promise<InvoiceRow[]> {
  const result = await sql<InvoiceRow>`
    select i.id, i.number, c.code, c.name, i.kind, i.parts, i.subtotal, i.tax, i.total, i.invoice_date, i.due_date,
      i.status, i.review_state, i.review_note, i.void_reason,
      (select m.status from mail_outbox m where m.invoice_id = i.id and m.kind = 'invoice_issued'
        order by m.id desc limit 1) as mail_status,
      coalesce((select sum(l.parts) from invoice_lines l where l.invoice_id = i.id and l.operator = 'other'), 0)::bigint
        as other_parts,
      (select sum(p.parts) from invoices p
        where p.customer_id = i.customer_id and p.period = ${previousPeriod} and p.status <> 'void')::bigint
        as previous_parts,
      -- R10: 100 % reached during the month, by the quota check, or on the invoice's own figures.
      (exists (select 1 from quota_warnings w where w.customer_id = i.customer_id and w.month = i.period and w.level = 100)
        or exists (select 1 from suspensions s where s.customer_id = i.customer_id and s.reason = 'quota' and s.month = i.period)
        or i.subtotal >= i.quota) as quota_reached,
      (select r.number from invoices r where r.id = i.replaces_invoice_id) as replaces_number,
      (select n.number from invoices n where n.replaces_invoice_id = i.id order by n.id desc limit 1) as replaced_by_number
    from invoices i
    join customers c on c.id = i.customer_id
    where i.period = ${period}
    order by c.code, i.id
  `.execute(db);
  return result.rows;
}

async function totalsOf(db: Db, period: string): Promise<MonthTotals> {
  const r = await db
    .selectFrom('invoices')
    .select([
      sql<number>`count(*)::bigint`.as('count'),
      sql<number>`coalesce(sum(subtotal), 0)::bigint`.as('subtotal'),
      sql<number>`coalesce(sum(tax), 0)::bigint`.as('tax'),
      sql<number>`coalesce(sum(total), 0)::bigint`.as('total'),
    ])
    .where('period', '=', period)
    .where('status', '<>', 'void')
    .executeTakeFirstOrThrow();
  return r;
}

/** R17: how many live invoices of the month have their faktur number imported, and how many not yet. */
async function fakturCountsOf(db: Db, period: string): Promise<ReviewMonth['fakturNumbers']> {
  const r = await db
    .selectFrom('invoices as i')
    .leftJoin('faktur_numbers as f', 'f.invoice_id', 'i.id')
    .select([
      sql<number>`count(f.invoice_id)::bigint`.as('with'),
      sql<number>`(count(*) - count(f.invoice_id))::bigint`.as('without'),
    ])
    .where('i.period', '=', period)
    .where('i.status', '<>', 'void')
    .executeTakeFirstOrThrow();
  return r;
}

/** Customers the run parked for the month, with the reason as a flag. */
async function parkedOf(db: Db, period: string) {
  const parkedRows = await db
    .selectFrom('invoice_parks as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .select(['c.code', 'c.name', 'p.reason'])
    .where('p.period', '=', period)
    .orderBy('c.code')
    .execute();
  return parkedRows.map((p) => ({
    customerCode: p.code,
    customerName: p.name,
    flag: parkedFlag(p.reason),
  }));
}

/** Everything the month page shows: invoices with their flags, customers not invoiced, totals against last month. */
export async function loadReviewMonth(db: Db, month: string, settings: ReviewSettings): Promise<ReviewMonth> {
  const period = firstDayOf(month);
  const prevMonth = previousMonth(month);
  const prevPeriod = firstDayOf(prevMonth);
  const rows = await invoicesOf(db, period, prevPeriod);
  const invoices: ReviewInvoice[] = rows.map((r) => ({
    id: r.id,
    number: r.number,
    customerCode: r.code,
    customerName: r.name,
    kind: r.kind,
    parts: r.parts,
    subtotal: r.subtotal,
    tax: r.tax,
    total: r.total,
    invoiceDate: r.invoice_date,
    dueDate: r.due_date,
    status: r.status,
    reviewState: r.review_state,
    reviewNote: r.review_note,
    voidReason: r.void_reason,
    mailStatus: r.mail_status,
    replacesNumber: r.replaces_number,
    replacedByNumber: r.replaced_by_number,
    flags:
      r.status === 'void'
        ? []
        : invoiceFlags(
            {
              parts: r.parts,
              previousParts: r.previous_parts,
              previousMonth: prevMonth,
              otherParts: r.other_parts,
              quotaReached: r.quota_reached,
              total: r.total,
            },
            settings,
          ),
  }));

  const parked = await parkedOf(db, period);

  const live = new Set(invoices.filter((i) => i.status !== 'void').map((i) => i.customerCode));
  const parkedCodes = new Set(parked.map((p) => p.customerCode));
  const stoppedRows = await sql<{ code: string; name: string; parts: number }>`
    select c.code, c.name, sum(p.parts)::bigint as parts
    from invoices p join customers c on c.id = p.customer_id
    where p.period = ${prevPeriod} and p.status <> 'void'
    group by c.code, c.name
    order by c.code
  `.execute(db);
  const stopped = stoppedRows.rows
    .filter((r) => !live.has(r.code) && !parkedCodes.has(r.code))
    .map((r) => ({ customerCode: r.code, customerName: r.name, flag: stoppedFlag(r.parts, prevMonth) }));

  const active = await db
    .selectFrom('customers')
    .select('code')
    .where('billing', '=', 'postpaid')
    .where('status', '=', 'active')
    .orderBy('code')
    .execute();
  const skipped = active.map((c) => c.code).filter((c) => !live.has(c) && !parkedCodes.has(c));

  return {
    month,
    previousMonth: prevMonth,
    invoices,
    parked,
    stopped,
    skipped,
    totals: await totalsOf(db, period),
    previousTotals: await totalsOf(db, prevPeriod),
    fakturNumbers: await fakturCountsOf(db, period),
    corrections: await correctionsFor(db, month),
  };
}
