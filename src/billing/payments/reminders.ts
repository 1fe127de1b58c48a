import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/connect.ts';
import { addDays, isIsoDate } from '../../domain/dates.ts';
import { creditedOf, OPEN_STATUSES, openAmount } from '../../domain/invoice-balance.ts';
import { queueMail } from '../../mail/outbox.ts';
import { BillingRefused } from '../billing-refused.ts';
import { withJobLock } from '../job-lock.ts';

export interface ReminderOptions {
  /** Today in WIB, 'YYYY-MM-DD'. */
  readonly today: string;
  /** The first reminder goes this many days before the due date (default 3). */
  readonly daysBeforeDue: number;
  /** The overdue reminder goes this many days after the due date (default 1). */
  readonly daysAfterDue: number;
}

export interface QueuedReminder {
  readonly kind: 'reminder_before_due' | 'reminder_overdue';
  readonly invoice_number: string;
  readonly customer_code: string;
  readonly due_date: string;
  readonly open: number;
}

export interface ReminderSummary {
  readonly today: string;
  /** Reminders queued now (each invoice gets each kind at most once). */
  readonly queued: ReadonlyArray<QueuedReminder>;
  readonly beforeDue: number;
  readonly overdue: number;
}

/**
 * Dunning: queues a reminder `daysBeforeDue` days before an open invoice's due date and one `daysAfterDue` days
 * after it, through the mail outbox, at most once per invoice and kind (the outbox's unique key). An invoice is open
 * while issued or partially paid with an amount left; one on hold, or whose own mail awaits review, is not
 * reminded. A day missed (the daemon was down) is made up: the windows are "from that day on", not "on that day".
 */
export async function queueReminders(db: Db, opts: ReminderOptions): Promise<ReminderSummary> {
  if (!isIsoDate(opts.today)) throw new BillingRefused(`'${opts.today}' is not a date; expected YYYY-MM-DD.`);
  // before due: due_date - daysBefore <= today < due_date; overdue: today >= due_date + daysAfter.
  const beforeFrom = addDays(opts.today, 1);
  const beforeTo = addDays(opts.today, opts.daysBeforeDue);
  const overdueBy = addDays(opts.today, -opts.daysAfterDue);
  const candidates = await db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
      'i.id',
      'i.number',
      'i.customer_id',
      'i.due_date',
      'i.total',
      'i.paid_amount',
      'i.credit_reduced',
      'i.credit_used',
      'c.code',
    ])
    .where('i.status', 'in', OPEN_STATUSES)
    .where('i.review_state', '=', 'approved')
    .where(sql<boolean>`i.paid_amount + i.credit_reduced + i.credit_used < i.total`)
    .where((eb) =>
      eb.or([
        eb.and([eb('i.due_date', '>=', beforeFrom), eb('i.due_date', '<=', beforeTo)]),
        eb('i.due_date', '<=', overdueBy),
      ]),
    )
    .orderBy('i.due_date')
    .orderBy('i.id')
    .execute();

  const queued = await db.transaction().execute(async (trx) => {
    const out: QueuedReminder[] = [];
    for (const i of candidates) {
      const kind = i.due_date <= overdueBy ? 'reminder_overdue' : 'reminder_before_due';
      const isNew = await queueMail(trx, {
        kind,
        subjectKey: `invoice:${i.id}`,
        customerId: i.customer_id,
        invoiceId: i.id,
      });
      if (isNew) {
        out.push({
          kind,
          invoice_number: i.number,
          customer_code: i.code,
          due_date: i.due_date,
          open: openAmount({ total: i.total, paidAmount: i.paid_amount, credited: creditedOf(i) }),
        });
      }
    }
    return out;
  });
  return {
    today: opts.today,
    queued,
    beforeDue: queued.filter((q) => q.kind === 'reminder_before_due').length,
    overdue: queued.filter((q) => q.kind === 'reminder_overdue').length,
  };
}

/** The reminders job (daily): one copy at a time. */
export async function runReminders(
  database: { readonly db: Db; readonly pool: pg.Pool },
  opts: ReminderOptions,
  onWait?: () => void,
): Promise<ReminderSummary> {
  return withJobLock(database.pool, 'reminders', onWait, () => queueReminders(database.db, opts));
}
