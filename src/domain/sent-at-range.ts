// R1: which send times tagih reads. A gateway clock can be wrong; a time no clock can show is refused, an odd one
// is loaded (R2/R4: nothing the gateway sent is dropped) and counted as a warning.

/** The first instant read: 1970-01-01 UTC, where a reset computer clock starts. */
export const EARLIEST_SENT_AT = Date.UTC(1970, 0, 1);
/** The first instant no longer read: 2100-01-01 UTC (PostgreSQL and the invoice numbers hold years 1–9999 only). */
export const END_OF_SENT_AT = Date.UTC(2100, 0, 1);

const DAY_MS = 86_400_000;
/** Later than this after the run's clock is 'in the future' (a day covers clocks and time zones set wrong). */
export const FUTURE_TOLERANCE_DAYS = 1;
/** Older than this before the run's clock is 'long ago' (a late log of last year is still normal). */
export const LONG_AGO_DAYS = 366;

/** R1: whether a send time is one a gateway clock can show: 1970 ≤ year < 2100. '0000-…' and '10000-…' are not. */
export function isPossibleSentAt(at: Date): boolean {
  const t = at.getTime();
  return t >= EARLIEST_SENT_AT && t < END_OF_SENT_AT;
}

export type SentAtOddity = 'future' | 'long-ago';

/**
 * R1: a possible but odd send time, judged against the run's clock `now`: more than a day ahead ('future'), or
 * more than 366 days back ('long-ago'); null when normal. Example: 1999 or 2030 while today is 2026-12-01.
 */
export function sentAtOddity(at: Date, now: Date): SentAtOddity | null {
  const t = at.getTime();
  if (t > now.getTime() + FUTURE_TOLERANCE_DAYS * DAY_MS) return 'future';
  if (t < now.getTime() - LONG_AGO_DAYS * DAY_MS) return 'long-ago';
  return null;
}
