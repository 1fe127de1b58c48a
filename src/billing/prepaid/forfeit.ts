// R15: the daily prepaid run — forfeiture at expiry or after 6 months without a billable message, and the
// warnings 30 and 7 days before, each once.
import type { Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';
import { type ForfeitDue, forfeitDueOf, WARNING_DAYS } from '../../domain/prepaid.ts';
import { queueMail } from '../../mail/outbox.ts';
import { loadPrepaidAccount } from './prepaid-account.ts';

export interface ForfeitSummary {
  readonly today: string;
  readonly forfeited: ReadonlyArray<{
    readonly customer_code: string;
    readonly amount: number;
    readonly on: string;
    readonly cause: ForfeitDue['cause'];
  }>;
  readonly warned: ReadonlyArray<{
    readonly customer_code: string;
    readonly forfeit_on: string;
    readonly days_before: number;
  }>;
}

/** Forfeits the whole balance of one account in the caller's transaction (the account row is locked by it). */
export async function forfeitBalance(
  trx: Db,
  customerId: number,
  on: string,
  cause: ForfeitDue['cause'] | 'closure',
  balance: number,
): Promise<void> {
  if (balance <= 0) return;
  await trx
    .insertInto('prepaid_ledger')
    .values({ customer_id: customerId, entry_date: on, kind: 'forfeit', amount: -balance, ref: cause })
    .execute();
  await queueMail(trx, {
    kind: 'prepaid_forfeited',
    subjectKey: `forfeit:${customerId}:${on}`,
    customerId,
    payload: { forfeit_on: on, cause, amount: balance },
  });
}

async function warnOnce(
  trx: Db,
  customerId: number,
  due: ForfeitDue,
  days: 30 | 7,
  balance: number,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('prepaid_warnings')
    .values({ customer_id: customerId, forfeit_on: due.on, days_before: days, cause: due.cause })
    .onConflict((oc) => oc.columns(['customer_id', 'forfeit_on', 'days_before']).doNothing())
    .returning('customer_id')
    .executeTakeFirst();
  if (!inserted) return false;
  await queueMail(trx, {
    kind: 'prepaid_forfeit_warning',
    subjectKey: `forfeit-warning:${customerId}:${due.on}:${days}`,
    customerId,
    payload: { forfeit_on: due.on, cause: due.cause, balance, days },
  });
  return true;
}

/** The warning due today: the nearest of 30 and 7 days whose day has come (a catch-up sends only the nearest). */
function warningDue(due: ForfeitDue, today: string): 30 | 7 | null {
  let found: 30 | 7 | null = null;
  for (const days of WARNING_DAYS) if (today >= addDays(due.on, -days)) found = days;
  return found;
}

/**
 * R15: as of `today`, forfeits every prepaid balance whose day has come (the ledger entry dated that day, so a
 * catch-up after an outage books it when it was due) and warns the accounts whose forfeiture is 30 or 7 days off.
 * One transaction per account; a rerun the same day changes nothing.
 */
export async function runPrepaidForfeiture(db: Db, today: string): Promise<ForfeitSummary> {
  const accounts = await db
    .selectFrom('prepaid_balances as b')
    .innerJoin('customers as c', 'c.id', 'b.customer_id')
    .select(['c.id', 'c.code'])
    .where('b.balance', '>', 0)
    .where('c.billing', '=', 'prepaid')
    .orderBy('c.code')
    .execute();
  const forfeited: Array<ForfeitSummary['forfeited'][number]> = [];
  const warned: Array<ForfeitSummary['warned'][number]> = [];
  for (const a of accounts) {
    await db.transaction().execute(async (trx) => {
      const account = await loadPrepaidAccount(trx, a.id, true);
      const due = account ? forfeitDueOf(account) : null;
      if (!account || !due || account.balance <= 0) return;
      if (today >= due.on) {
        await forfeitBalance(trx, a.id, due.on, due.cause, account.balance);
        forfeited.push({ customer_code: a.code, amount: account.balance, on: due.on, cause: due.cause });
        return;
      }
      const days = warningDue(due, today);
      if (days !== null && (await warnOnce(trx, a.id, due, days, account.balance)))
        warned.push({ customer_code: a.code, forfeit_on: due.on, days_before: days });
    });
  }
  return { today, forfeited, warned };
}
