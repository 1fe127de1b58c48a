// R10: the usage quota as pure rules (no database, no clock).
import { formatNumberId, type Rupiah } from './money.ts';
import { OPERATORS, type Operator } from './numbers.ts';
import { graduatedAmount, type PriceList, priceVolumeLines } from './tiers.ts';

/** R10: quota = the customer's override, else 2 × the deposit balance ("hubungi kami untuk kuota lebih besar"). */
export function quotaFor(depositBalance: Rupiah, quotaOverride: Rupiah | null): Rupiah {
  return quotaOverride ?? 2 * depositBalance;
}

export type QuotaLevel = 'ok' | 'warning' | 'exceeded';

/** R10: the share of the quota from which the customer is warned (once a month). Written here only. */
export const QUOTA_WARNING_PERCENT = 80;

/** R10: usage has reached the warning share of the quota, compared in integers, so exactly 80 % warns. */
export function reachesQuotaWarning(usage: Rupiah, quota: Rupiah): boolean {
  return usage * 100 >= quota * QUOTA_WARNING_PERCENT;
}

/**
 * R10: 'warning' from 80 % of the quota, 'exceeded' from 100 %. A zero quota (no deposit, no override) is
 * exhausted: the account may not send.
 */
export function quotaLevel(usage: Rupiah, quota: Rupiah): QuotaLevel {
  if (usage >= quota) return 'exceeded';
  if (reachesQuotaWarning(usage, quota)) return 'warning';
  return 'ok';
}

/**
 * R10: a quota suspension no longer holds ("until the next month begins, the deposit grows, or the quota is
 * raised"): it was for an earlier month, or the usage is under the quota again. `monthStart` is the checked
 * month's first day; `suspendedFor` the first day of the month the suspension was for (null: no month recorded).
 */
export function quotaSuspensionEnds(
  suspendedFor: string | null,
  level: QuotaLevel,
  monthStart: string,
): boolean {
  return (suspendedFor !== null && suspendedFor < monthStart) || level !== 'exceeded';
}

/** What a quota check knows of one customer before it acts (R10). */
export interface QuotaStanding {
  readonly level: QuotaLevel;
  /** The month's 80 % warning is recorded already. */
  readonly warned: boolean;
  /** The active quota suspension, if any: the first day of the month it is for (null: none recorded). */
  readonly suspension: { readonly month: string | null } | null;
  /** The checked month's first day. */
  readonly monthStart: string;
}

/**
 * R10: whether a check must act for this customer — warn at 80 % (once a month), suspend at 100 %, or lift a
 * suspension that no longer holds. False: nothing changes but the usage it records. (The set-based check asks
 * this of every customer in one pass and runs the per-customer step only where it is true.)
 */
export function quotaActionDue(s: QuotaStanding): boolean {
  if (s.suspension !== null && quotaSuspensionEnds(s.suspension.month, s.level, s.monthStart)) return true;
  if (s.level !== 'ok' && !s.warned) return true;
  return s.level === 'exceeded' && s.suspension === null;
}

/**
 * R10: usage as a share of the quota in units of 10^-decimals percent, in integer maths (exact for any safe
 * integers), rounded down or half up; null for a zero quota. The one percent function: quotaPercent (mails,
 * the CLI) rounds down to 2 decimals; the PDF's label rounds half up to 1 decimal.
 */
export function quotaShare(
  usage: Rupiah,
  quota: Rupiah,
  decimals: number,
  rounding: 'down' | 'half-up',
): bigint | null {
  if (quota <= 0) return null;
  const scaled = BigInt(usage) * 100n * 10n ** BigInt(decimals);
  const q = BigInt(quota);
  return rounding === 'down' ? scaled / q : (scaled * 2n + q) / (2n * q);
}

/** usage as a percentage of quota, rounded down to 2 decimals, for people; null for a zero quota. */
export function quotaPercent(usage: Rupiah, quota: Rupiah): number | null {
  const hundredths = quotaShare(usage, quota, 2, 'down');
  return hundredths === null ? null : Number(hundredths) / 100;
}

/**
 * R10, as the invoice prints it: the share of the quota used, one decimal, half up, in integer maths:
 * 1.234.567 of 20.000.000 → '6,2%'. (quotaPercent rounds down to 2 decimals for the quota notices.)
 */
export function percentOfQuota(used: number, quota: number): string {
  const tenths = quotaShare(used, quota, 1, 'half-up');
  if (tenths === null) return '—';
  return `${formatNumberId(Number(tenths / 10n))},${tenths % 10n}%`;
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
