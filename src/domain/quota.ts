// R10: the usage quota as pure rules (no database, no clock).
import type { Rupiah } from './money.ts';
import { OPERATORS, type Operator } from './numbers.ts';
import { graduatedAmount, type PriceList, priceVolumeLines } from './tiers.ts';

/** R10: quota = the customer's override, else 2 × the deposit balance ("hubungi kami untuk kuota lebih besar"). */
export function quotaFor(depositBalance: Rupiah, quotaOverride: Rupiah | null): Rupiah {
  return quotaOverride ?? 2 * depositBalance;
}

export type QuotaLevel = 'ok' | 'warning' | 'exceeded';

/**
 * R10: 'warning' from 80 % of the quota, 'exceeded' from 100 %, compared in integers (usage × 5 ≥ quota × 4),
 * so exactly 80 % warns. A zero quota (no deposit, no override) is exhausted: the account may not send.
 */
export function quotaLevel(usage: Rupiah, quota: Rupiah): QuotaLevel {
  if (usage >= quota) return 'exceeded';
  if (usage * 5 >= quota * 4) return 'warning';
  return 'ok';
}

/** usage as a percentage of quota, rounded down to 2 decimals, for people; null for a zero quota. */
export function quotaPercent(usage: Rupiah, quota: Rupiah): number | null {
  if (quota === 0) return null;
  return Math.floor((usage * 10_000) / quota) / 100;
}

/**
 * R10: the value of a month's usage so far, before PPN: the product's parts priced at the tier the
 * month-to-date total reaches (volume), or band by band for a graduated contract list (bands filled in
 * OPERATORS order, as one running count).
 */
export function usageValue(list: PriceList, partsByOperator: ReadonlyMap<Operator, number>): Rupiah {
  if (list.mode === 'volume') {
    return priceVolumeLines(list, partsByOperator).reduce((sum, line) => sum + line.amount, 0);
  }
  let before = 0;
  let amount = 0;
  for (const operator of OPERATORS) {
    const parts = partsByOperator.get(operator) ?? 0;
    if (parts === 0) continue;
    amount += graduatedAmount(list, operator, before, parts);
    before += parts;
  }
  return amount;
}
