// R10, R11, R13: the one place that writes `suspensions`. A customer has at most one active suspension per
// reason (a partial unique index); `sending_permission` reads them.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { type MailSubjects, queueMail } from '../../mail/outbox.ts';

export type SuspensionReason = 'quota' | 'unpaid' | 'closed';

export interface ActiveSuspension {
  readonly id: number;
  readonly month: string | null;
  readonly since: Date;
}

/**
 * Suspends the customer for `reason`; returns the new suspension's id, or undefined when one for the reason is
 * already active (it is kept: a rerun suspends once).
 */
export async function suspend(
  trx: Db,
  customerId: number,
  reason: SuspensionReason,
  month: string | null = null,
): Promise<number | undefined> {
  const row = await trx
    .insertInto('suspensions')
    .values({ customer_id: customerId, reason, month })
    .onConflict((oc) => oc.columns(['customer_id', 'reason']).where('lifted_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** The customer's active suspension for `reason`, if any. */
export async function activeSuspension(
  trx: Db,
  customerId: number,
  reason: SuspensionReason,
): Promise<ActiveSuspension | undefined> {
  return trx
    .selectFrom('suspensions')
    .select(['id', 'month', 'since'])
    .where('customer_id', '=', customerId)
    .where('reason', '=', reason)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
}

/** Lifts one suspension by id. */
export async function liftSuspension(trx: Db, id: number, liftReason: string): Promise<void> {
  await trx
    .updateTable('suspensions')
    .set({ lifted_at: sql`now()`, lift_reason: liftReason })
    .where('id', '=', id)
    .execute();
}

/** Lifts the customer's active suspension for `reason`; true when there was one. */
export async function liftSuspensions(
  trx: Db,
  customerId: number,
  reason: SuspensionReason,
  liftReason: string,
): Promise<boolean> {
  const lifted = await trx
    .updateTable('suspensions')
    .set({ lifted_at: sql`now()`, lift_reason: liftReason })
    .where('customer_id', '=', customerId)
    .where('reason', '=', reason)
    .where('lifted_at', 'is', null)
    .returning('id')
    .execute();
  return lifted.length > 0;
}

export interface UnpaidInvoice {
  readonly number: string;
  readonly open: Rupiah;
}

/**
 * R11: "suspend unpaid": with an amount still open after the deposit paid what it could, the customer is
 * suspended (reason unpaid) until it is paid, and told which invoices are open. `subjectKey` makes the notice
 * once per occasion (a month's settlement, the closing). True when the suspension is new.
 */
export async function suspendUnpaid(
  trx: Db,
  customerId: number,
  open: ReadonlyArray<UnpaidInvoice>,
  subjectKey: MailSubjects['suspended_unpaid'],
): Promise<boolean> {
  if (open.length === 0) return false;
  const id = await suspend(trx, customerId, 'unpaid');
  await queueMail(trx, {
    kind: 'suspended_unpaid',
    subjectKey,
    customerId,
    payload: {
      invoice_numbers: open.map((i) => i.number),
      open_amount: open.reduce((s, i) => s + i.open, 0),
    },
  });
  return id !== undefined;
}
