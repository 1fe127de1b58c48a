// R15: moving a customer between postpaid and prepaid.
import type { Db } from '../../db/connect.ts';
import { formatRupiah } from '../../domain/money.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';
import { openPrepaidAccount } from './prepaid-account.ts';

/**
 * Sets the plan; returns false when it already was. Refused for a closed account, for a move to prepaid while a
 * guarantee deposit is held (refund it first, R13), and for a move to postpaid while a prepaid balance is left.
 */
export async function changePlan(db: Db, code: string, plan: 'postpaid' | 'prepaid'): Promise<boolean> {
  const customer = await customerByCode(db, code);
  if (customer.billing === plan) return false;
  if (customer.status === 'closed') throw new BillingRefused(`${code} is closed; its plan cannot change.`);
  return db.transaction().execute(async (trx) => {
    if (plan === 'prepaid') {
      const deposit = await trx
        .selectFrom('deposit_balances')
        .select('balance')
        .where('customer_id', '=', customer.id)
        .executeTakeFirstOrThrow();
      if (deposit.balance > 0) {
        throw new BillingRefused(
          `${code} still holds a guarantee deposit of ${formatRupiah(deposit.balance)}; refund it before the move to prepaid (R15 needs none).`,
        );
      }
      await openPrepaidAccount(trx, customer.id);
    } else {
      const balance = await trx
        .selectFrom('prepaid_balances')
        .select('balance')
        .where('customer_id', '=', customer.id)
        .executeTakeFirst();
      if (balance && balance.balance > 0) {
        throw new BillingRefused(
          `${code} has a prepaid balance of ${formatRupiah(balance.balance)} left; it must be used up or forfeited first.`,
        );
      }
    }
    await trx.updateTable('customers').set({ billing: plan }).where('id', '=', customer.id).execute();
    return true;
  });
}
