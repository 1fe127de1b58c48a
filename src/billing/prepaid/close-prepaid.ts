// R15/R13: closing a prepaid account forfeits its balance (never refunded), after a confirmation that says so.
import type { Db } from '../../db/connect.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { formatRupiah } from '../../domain/money.ts';
import { wibDateOf } from '../../domain/period.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';
import { forfeitBalance } from './forfeit.ts';
import { loadPrepaidAccount } from './prepaid-account.ts';

export interface PrepaidClosure {
  readonly customer_code: string;
  readonly closing_date: string;
  readonly forfeited: number;
}

/** Refused without `confirmForfeit` while a balance is left: the message says how much would be lost. */
export async function closePrepaidAccount(
  db: Db,
  opts: {
    readonly customerCode: string;
    readonly date: string;
    readonly now: Date;
    readonly confirmForfeit: boolean;
  },
): Promise<PrepaidClosure> {
  if (!isIsoDate(opts.date))
    throw new BillingRefused(`--date '${opts.date}' is not a date; expected YYYY-MM-DD.`);
  if (opts.date > wibDateOf(opts.now))
    throw new BillingRefused(`Closing date ${opts.date} is in the future; close on the day itself.`);
  const customer = await customerByCode(db, opts.customerCode);
  if (customer.billing !== 'prepaid') throw new BillingRefused(`${customer.code} is not a prepaid account.`);
  if (customer.status === 'closed')
    throw new BillingRefused(
      `${customer.code} was already closed on ${customer.closedOn}. Nothing was changed.`,
    );
  return db.transaction().execute(async (trx) => {
    const account = await loadPrepaidAccount(trx, customer.id, true);
    const balance = account?.balance ?? 0;
    if (balance > 0 && !opts.confirmForfeit) {
      throw new BillingRefused(
        `Closing ${customer.code} forfeits its prepaid balance of ${formatRupiah(balance)}: a prepaid balance is never refunded (R15). Nothing was changed; run again with --forfeit-balance to close it and forfeit the balance.`,
      );
    }
    await forfeitBalance(trx, customer.id, opts.date, 'closure', balance);
    await trx
      .updateTable('customers')
      .set({ status: 'closed', closed_on: opts.date })
      .where('id', '=', customer.id)
      .execute();
    return { customer_code: customer.code, closing_date: opts.date, forfeited: balance };
  });
}
