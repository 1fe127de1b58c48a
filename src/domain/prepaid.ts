// R15: prepaid accounts — the price tier of a top-up, masa aktif and the forfeiture day. Pure: dates are
// 'YYYY-MM-DD' strings, amounts whole rupiah before PPN.
import { civilFromDays, daysFromCivil, daysInMonthOf, daysToIsoDate, requireIsoDate } from './civil-days.ts';
import type { Rupiah } from './money.ts';

/** R15: the smallest top-up, before PPN. */
export const MINIMUM_TOPUP: Rupiah = 100_000;
/** R15: masa aktif of a top-up. */
export const ACTIVE_MONTHS = 12;
/** R15: a balance with no billable message for this long is forfeited. */
export const INACTIVE_MONTHS = 6;
/** R15: warnings go out this many days before a forfeiture, each once. */
export const WARNING_DAYS: ReadonlyArray<30 | 7> = [30, 7];

/**
 * R15: per part by the top-up's amount, from the lowest amount of each tier. The terms print "> 100.000.000";
 * exactly 100.000.000 belongs to the last tier (as R5's "99.000" typo: a tier ends where the next begins).
 */
export const PREPAID_TIERS: ReadonlyArray<{ readonly minAmount: Rupiah; readonly pricePerPart: Rupiah }> = [
  { minAmount: 100_000, pricePerPart: 350 },
  { minAmount: 500_000, pricePerPart: 340 },
  { minAmount: 2_000_000, pricePerPart: 330 },
  { minAmount: 8_000_000, pricePerPart: 320 },
  { minAmount: 30_000_000, pricePerPart: 310 },
  { minAmount: 100_000_000, pricePerPart: 300 },
];

/** R15: the price a prepaid account pays before its first top-up (the first tier). */
export const FIRST_TIER_PRICE: Rupiah = PREPAID_TIERS[0]!.pricePerPart;

/** R15: price per part after a top-up of `amount`; null under the minimum (such a top-up is refused). */
export function prepaidPriceFor(amount: Rupiah): Rupiah | null {
  let price: Rupiah | null = null;
  for (const tier of PREPAID_TIERS) if (amount >= tier.minAmount) price = tier.pricePerPart;
  return price;
}

/** date + n calendar months, the day clamped to the month's end: addMonths('2028-02-29', 12) === '2029-02-28'. */
export function addMonths(date: string, n: number): string {
  const c = civilFromDays(requireIsoDate(date, 'Date'));
  const index = c.year * 12 + (c.month - 1) + n;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return daysToIsoDate(daysFromCivil(year, month, Math.min(c.day, daysInMonthOf(year, month))));
}

/** R15: masa aktif after a top-up on `topupDate`: max(current expiry, top-up date + 12 months). */
export function expiryAfterTopup(current: string | null, topupDate: string): string {
  const extended = addMonths(topupDate, ACTIVE_MONTHS);
  return current !== null && current > extended ? current : extended;
}

export interface ForfeitDue {
  readonly on: string;
  readonly cause: 'expiry' | 'inactivity';
}

/**
 * R15: the day the balance is forfeited: the expiry, or 6 months after the last billable message — counted from
 * the latest top-up when that is later (a fresh top-up is not forfeited for an old dormancy), whichever is first.
 * Null for an account that was never topped up.
 */
export function forfeitDueOf(account: {
  readonly expiresOn: string | null;
  readonly lastBillableOn: string | null;
  readonly lastTopupOn: string | null;
}): ForfeitDue | null {
  if (account.expiresOn === null || account.lastTopupOn === null) return null;
  const activeSince =
    account.lastBillableOn !== null && account.lastBillableOn > account.lastTopupOn
      ? account.lastBillableOn
      : account.lastTopupOn;
  const dormant = addMonths(activeSince, INACTIVE_MONTHS);
  return dormant < account.expiresOn
    ? { on: dormant, cause: 'inactivity' }
    : { on: account.expiresOn, cause: 'expiry' };
}
