import type pg from 'pg';
import type { Db } from '../../db/connect.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { OPEN_STATUSES } from '../../domain/invoice-balance.ts';
import type { Rupiah } from '../../domain/money.ts';
import { firstDayOf, lastDayOf, previousMonth, wibDateOf } from '../../domain/period.ts';
import { suspendUnpaid } from '../accounts/suspensions.ts';
import { BillingRefused } from '../billing-refused.ts';
import { withJobLock } from '../job-lock.ts';
import { overdueOpenInvoices } from '../payments/open-invoices.ts';
import { type InvoiceSettlement, settleFromDeposit } from './settle-from-deposit.ts';

export interface SettleOptions {
  /** 'YYYY-MM-DD': invoices issued in the month before this date's month are settled, dated this day. */
  readonly asOf: string;
  readonly now: Date;
  readonly actor: string;
}

export interface SettledInvoice {
  readonly invoice_number: string;
  readonly customer_code: string;
  readonly open_before: Rupiah;
  readonly deducted: Rupiah;
  readonly open_after: Rupiah;
  readonly balance_after: Rupiah;
  readonly status: string;
  readonly already_settled: boolean;
}

export interface SettlementSummary {
  readonly as_of: string;
  /** The month whose invoices were settled ('YYYY-MM', by invoice date). */
  readonly invoice_month: string;
  readonly invoices: ReadonlyArray<SettledInvoice>;
  readonly deducted_total: Rupiah;
  /** Customers suspended now (reason 'unpaid') because an amount is still open. */
  readonly suspended: ReadonlyArray<string>;
  /** Open invoices finance has put on hold: not settled. */
  readonly held: ReadonlyArray<string>;
}

/**
 * R11: the month-end settlement. Every invoice issued in the month before `asOf`'s month with an amount still
 * open is paid from the deposit as far as it reaches; a customer with an amount still open is suspended
 * (reason unpaid). One transaction per customer; running it again deducts nothing more.
 */
export async function settleMonth(db: Db, opts: SettleOptions): Promise<SettlementSummary> {
  if (!isIsoDate(opts.asOf)) {
    throw new BillingRefused(`--as-of '${opts.asOf}' is not a date; expected YYYY-MM-DD, e.g. 2026-12-01.`);
  }
  const today = wibDateOf(opts.now);
  if (opts.asOf > today) {
    throw new BillingRefused(
      `Settlement as of ${opts.asOf} is in the future (today is ${today}, WIB); invoices are settled once their month has ended.`,
    );
  }
  const month = previousMonth(opts.asOf.slice(0, 7));
  const candidates = await db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.customer_id', 'i.review_state', 'c.code'])
    .where('i.invoice_date', '>=', firstDayOf(month))
    .where('i.invoice_date', '<=', lastDayOf(month))
    .where('i.status', 'in', OPEN_STATUSES)
    .orderBy('c.code')
    .orderBy('i.id')
    .execute();
  const held = candidates.filter((i) => i.review_state === 'held').map((i) => i.number);
  const byCustomer = new Map<number, { code: string; ids: number[] }>();
  for (const i of candidates.filter((x) => x.review_state !== 'held')) {
    const entry = byCustomer.get(i.customer_id) ?? { code: i.code, ids: [] };
    entry.ids.push(i.id);
    byCustomer.set(i.customer_id, entry);
  }

  const invoices: SettledInvoice[] = [];
  const suspended: string[] = [];
  for (const [customerId, { code, ids }] of byCustomer) {
    const outcome = await db.transaction().execute(async (trx) => {
      const settled = await settleFromDeposit(trx, customerId, ids, opts.asOf, opts.actor);
      const stillOpen = settled.some((s) => s.openAfter > 0);
      // R11: still open after the deposit paid what it could: suspended (reason unpaid) until it is paid.
      const overdue = stillOpen ? await overdueOpenInvoices(trx, customerId, opts.asOf) : [];
      const newly = await suspendUnpaid(
        trx,
        customerId,
        overdue,
        `unpaid:${customerId}:${opts.asOf.slice(0, 7)}`,
      );
      return { settled, suspended: newly };
    });
    invoices.push(...outcome.settled.map((s) => row(code, s)));
    if (outcome.suspended) suspended.push(code);
  }
  return {
    as_of: opts.asOf,
    invoice_month: month,
    invoices,
    deducted_total: invoices.reduce((s, i) => s + i.deducted, 0),
    suspended,
    held,
  };
}

function row(code: string, s: InvoiceSettlement): SettledInvoice {
  return {
    invoice_number: s.invoiceNumber,
    customer_code: code,
    open_before: s.openBefore,
    deducted: s.deducted,
    open_after: s.openAfter,
    balance_after: s.balanceAfter,
    status: s.status,
    already_settled: s.alreadySettled,
  };
}

/** The settlement job (first minutes of each month): one copy at a time. */
export async function runSettlement(
  database: { readonly db: Db; readonly pool: pg.Pool },
  opts: SettleOptions,
  onWait?: () => void,
): Promise<SettlementSummary> {
  return withJobLock(database.pool, 'settle', onWait, () => settleMonth(database.db, opts));
}
