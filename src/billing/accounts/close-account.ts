import { sql, type Transaction } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import { addDays, addWorkingDays, isIsoDate } from '../../domain/dates.ts';
import { OPEN_STATUSES } from '../../domain/invoice-balance.ts';
import type { Rupiah } from '../../domain/money.ts';
import { firstDayOf, lastDayOf, periodOf, previousMonth, wibDateOf } from '../../domain/period.ts';
import { queueMail } from '../../mail/outbox.ts';
import { BillingRefused, type CustomerRef, customerByCode } from '../billing-refused.ts';
import { settleFromDeposit } from '../deposit/settle-from-deposit.ts';
import { type BillingWindow, computeInvoices, type InvoiceDraft } from '../invoicing/compute-invoices.ts';
import { wibMidnight, writeMonthFiles } from '../invoicing/invoice-files.ts';
import { issueInvoice } from '../invoicing/issue-invoice.ts';
import { loadHolidays } from '../invoicing/reference-data.ts';
import { withJobLock } from '../job-lock.ts';
import { liftSuspensions, suspend, suspendUnpaid } from './suspensions.ts';

/** R13: a closed account's deposit is refunded within 7 working days. */
export const REFUND_WORKING_DAYS = 7;

export interface CloseOptions {
  readonly customerCode: string;
  /** The closing date D ('YYYY-MM-DD'): the final invoice covers its month up to D and is issued on D. */
  readonly date: string;
  readonly now: Date;
  readonly actor: string;
  readonly holdMail: boolean;
}

export interface ClosureSummary {
  readonly customer_code: string;
  readonly closing_date: string;
  readonly final_invoice_number: string | null;
  /** Every invoice issued by the closure: the month before, if it was not invoiced yet, and the final one. */
  readonly invoices_issued: ReadonlyArray<string>;
  readonly settled: ReadonlyArray<{
    readonly invoice_number: string;
    readonly deducted: Rupiah;
    readonly open_after: Rupiah;
  }>;
  /** What the customer still owes after the deposit paid what it could. */
  readonly open_amount: Rupiah;
  readonly refund_amount: Rupiah;
  readonly refund_due_date: string;
}

interface PlannedInvoice {
  readonly month: string;
  readonly kind: 'monthly' | 'final';
  readonly periodEnd: string;
  readonly snapshot: string;
  readonly draft: InvoiceDraft;
}

async function liveInvoice(db: Db, customerId: number, period: string) {
  return db
    .selectFrom('invoices')
    .select(['id', 'number', 'kind'])
    .where('customer_id', '=', customerId)
    .where('period', '=', period)
    .where('status', '<>', 'void')
    .executeTakeFirst();
}

async function refuseLaterUsage(db: Db, customer: CustomerRef, date: string): Promise<void> {
  const later = await db
    .selectFrom('messages')
    .select(sql<number>`count(*)::bigint`.as('n'))
    .where('customer_id', '=', customer.id)
    .where('billable', '=', true)
    .where('sent_at', '>=', wibMidnight(addDays(date, 1)))
    .executeTakeFirstOrThrow();
  if (later.n > 0) {
    throw new BillingRefused(
      `${customer.code} has ${later.n} billable message(s) sent after ${date}; a closing date before them would leave them unbilled. Choose a later closing date.`,
    );
  }
}

/**
 * Computes what the closure must invoice — the month before D if it has usage and no invoice yet (the run of
 * the 1st may not have reached it), then the final invoice of D's month up to D — refusing before anything is
 * issued if either cannot be priced.
 */
async function planInvoices(db: Db, customer: CustomerRef, date: string): Promise<PlannedInvoice[]> {
  const month = date.slice(0, 7);
  const planned: PlannedInvoice[] = [];
  const periods = [
    { month: previousMonth(month), kind: 'monthly' as const, periodEnd: lastDayOf(previousMonth(month)) },
    { month, kind: 'final' as const, periodEnd: date },
  ];
  for (const p of periods) {
    const existing = await liveInvoice(db, customer.id, firstDayOf(p.month));
    if (existing) {
      if (p.kind === 'final' && existing.kind !== 'final') {
        throw new BillingRefused(
          `${customer.code} is already invoiced for ${p.month} (${existing.number}); the closing date must be in a month not yet invoiced.`,
        );
      }
      continue; // issued by an earlier, interrupted closure or by the monthly run
    }
    const window: BillingWindow = {
      periodStart: firstDayOf(p.month),
      start: periodOf(p.month).start,
      endExclusive: wibMidnight(addDays(p.periodEnd, 1)),
      invoiceDate: date,
      customerIds: [customer.id],
    };
    const computed = await computeInvoices(db, window);
    const parked = computed.parked[0];
    if (parked) {
      throw new BillingRefused(
        `${customer.code} cannot be closed yet: its ${p.kind} invoice for ${p.month} cannot be computed (${parked.reason}). Nothing was changed.`,
      );
    }
    for (const draft of computed.drafts) planned.push({ ...p, snapshot: computed.snapshot, draft });
  }
  return planned;
}

/**
 * R13: closes an account on D. Issues the final invoice (D's month up to D, dated D, numbered and filed like
 * any invoice), settles every open invoice from the deposit (R11), refunds the rest of the deposit (a ledger
 * entry now, paid by finance within 7 working days of D) and closes the account, which sending_permission
 * then refuses. Each invoice is issued in its own transaction and the closure in one more, so a closure cut
 * short can simply be run again.
 */
export async function closeAccount(
  database: Database,
  config: Config,
  opts: CloseOptions,
): Promise<ClosureSummary> {
  const { db, pool } = database;
  if (!isIsoDate(opts.date)) {
    throw new BillingRefused(`--date '${opts.date}' is not a date; expected YYYY-MM-DD, e.g. 2026-03-17.`);
  }
  const today = wibDateOf(opts.now);
  if (opts.date > today) {
    throw new BillingRefused(
      `Closing date ${opts.date} is in the future (today is ${today}, WIB); close on the day itself.`,
    );
  }
  const customer = await customerByCode(db, opts.customerCode);
  if (customer.billing !== 'postpaid') {
    throw new BillingRefused(
      `${customer.code} is a prepaid account; prepaid deposits are never refunded (R15).`,
    );
  }
  return withJobLock(pool, `close:${customer.id}`, undefined, async () => {
    const current = await customerByCode(db, opts.customerCode);
    if (current.status === 'closed') {
      throw new BillingRefused(
        `${customer.code} was already closed on ${current.closedOn}. Nothing was changed.`,
      );
    }
    await refuseLaterUsage(db, customer, opts.date);
    const planned = await planInvoices(db, customer, opts.date);
    const issued: string[] = [];
    for (const p of planned) {
      const outcome = await issueInvoice(db, p.draft, {
        period: firstDayOf(p.month),
        periodEnd: p.periodEnd,
        kind: p.kind,
        invoiceDate: opts.date,
        snapshot: p.snapshot,
        actor: opts.actor,
        holdMail: opts.holdMail,
      });
      issued.push(outcome.number);
    }
    const final = await liveInvoice(db, customer.id, firstDayOf(opts.date.slice(0, 7)));
    const holidays = await loadHolidays(db);
    // R13: due within 7 working days (Monday–Friday, not a holiday or cuti bersama).
    const refundDue = addWorkingDays(opts.date, REFUND_WORKING_DAYS, holidays);

    const closed = await db
      .transaction()
      .execute((trx) =>
        closeInTransaction(trx, customer.id, { ...opts, refundDue, finalInvoice: final ?? null }),
      );

    // Documents after commit; also those an interrupted closure issued but did not file.
    const month = opts.date.slice(0, 7);
    for (const m of [previousMonth(month), month]) {
      if (await liveInvoice(db, customer.id, firstDayOf(m))) await writeMonthFiles(database, config, m);
    }
    return {
      customer_code: customer.code,
      closing_date: opts.date,
      final_invoice_number: final?.number ?? null,
      invoices_issued: issued,
      settled: closed.settled
        .filter((s) => !s.alreadySettled)
        .map((s) => ({ invoice_number: s.invoiceNumber, deducted: s.deducted, open_after: s.openAfter })),
      open_amount: closed.openAmount,
      refund_amount: closed.refund,
      refund_due_date: refundDue,
    };
  });
}

interface ClosingStep {
  readonly date: string;
  readonly actor: string;
  readonly refundDue: string;
  readonly finalInvoice: { readonly id: number; readonly number: string } | null;
}

/**
 * R13 in one transaction: settle every open invoice from the deposit (R11), suspend for what is still owed,
 * refund the rest of the deposit, lift the quota suspension and close the account.
 */
async function closeInTransaction(trx: Transaction<DB>, customerId: number, step: ClosingStep) {
  await trx.selectFrom('customers').select('id').where('id', '=', customerId).forUpdate().execute();
  const open = await trx
    .selectFrom('invoices')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('status', 'in', OPEN_STATUSES)
    .execute();
  const settled = await settleFromDeposit(
    trx,
    customerId,
    open.map((i) => i.id),
    step.date,
    step.actor,
  );
  const stillOpen = settled.filter((s) => s.openAfter > 0);
  const openAmount = stillOpen.reduce((s, i) => s + i.openAfter, 0);
  // R11: what the deposit could not pay is still owed; the account stays suspended for it.
  await suspendUnpaid(
    trx,
    customerId,
    stillOpen.map((s) => ({ number: s.invoiceNumber, open: s.openAfter })),
    `unpaid:${customerId}:closing`,
  );
  const refund = await refundDeposit(trx, customerId, step);
  await liftSuspensions(trx, customerId, 'quota', 'account closed');
  await suspend(trx, customerId, 'closed');
  await trx
    .updateTable('customers')
    .set({ status: 'closed', closed_on: step.date })
    .where('id', '=', customerId)
    .execute();
  await queueMail(trx, {
    kind: 'account_closed',
    subjectKey: `closed:${customerId}`,
    customerId,
    invoiceId: step.finalInvoice?.id ?? null,
    payload: {
      closing_date: step.date,
      final_invoice_number: step.finalInvoice?.number ?? null,
      refund_amount: refund,
      refund_due_date: step.refundDue,
    },
  });
  return { settled, openAmount, refund };
}

/** R13: the deposit's balance leaves the ledger as a refund finance pays by `refundDue`. */
async function refundDeposit(trx: Db, customerId: number, step: ClosingStep): Promise<Rupiah> {
  const { balance } = await trx
    .selectFrom('deposit_balances')
    .select('balance')
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  // R16: customer credit is paid out only now, at closing, with the rest of the deposit.
  const credit = await refundCustomerCredit(trx, customerId, step.date);
  if (balance > 0) {
    await trx
      .insertInto('deposit_ledger')
      .values({
        customer_id: customerId,
        entry_date: step.date,
        kind: 'refund',
        amount: -balance,
        ref: `refund on closing, due ${step.refundDue}`,
      })
      .execute();
  }
  const refund = balance + credit;
  if (refund > 0) {
    await trx
      .insertInto('refunds')
      .values({ customer_id: customerId, amount: refund, closing_date: step.date, due_date: step.refundDue })
      .execute();
  }
  return refund;
}

/** R16: the customer credit left at closing leaves the credit ledger, to be refunded; returns the amount. */
async function refundCustomerCredit(trx: Db, customerId: number, date: string): Promise<Rupiah> {
  const row = await trx
    .selectFrom('customer_credit_balances')
    .select('balance')
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  const credit = row?.balance ?? 0;
  if (credit > 0) {
    await trx
      .insertInto('customer_credit_ledger')
      .values({ customer_id: customerId, entry_date: date, kind: 'refund', amount: -credit })
      .execute();
  }
  return credit;
}
