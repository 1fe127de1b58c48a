// R10: what follows when a customer's quota changes. A bigger deposit (a top-up) or a raised override raises
// the quota at once, so the quota is checked again now rather than at the next hourly run: a quota suspension
// the new quota covers is lifted here, in one billing step both commands call.
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { setQuotaOverride } from '../accounts/account-status.ts';
import { addDeposit, type DepositAdded, type DepositInput } from '../deposit/deposits.ts';
import { checkQuotas, type QuotaResult } from './quota.ts';

/** R10: the customer's quota checked again as of `asOf`; undefined for a customer the check does not list. */
export async function recheckQuota(db: Db, customerId: number, asOf: Date): Promise<QuotaResult | undefined> {
  return (await checkQuotas(db, { asOf, customerIds: [customerId] })).customers[0];
}

/** R9/R10: money paid into the deposit, then the quota it raises; a suspension the new quota covers is lifted. */
export async function topUpDeposit(
  db: Db,
  input: DepositInput,
  asOf: Date,
): Promise<{ readonly added: DepositAdded; readonly quota: QuotaResult | undefined }> {
  const added = await addDeposit(db, input);
  return { added, quota: await recheckQuota(db, added.customerId, asOf) };
}

/** R10: a quota override set (or cleared with null), then the quota checked again. */
export async function overrideQuota(
  db: Db,
  customerCode: string,
  quota: Rupiah | null,
  asOf: Date,
): Promise<QuotaResult> {
  const id = await setQuotaOverride(db, customerCode, quota);
  return (await recheckQuota(db, id, asOf))!;
}
