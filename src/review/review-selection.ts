// Which invoices "approve all unflagged" takes, for the page and `npm run review -- approve --all-unflagged` alike.
import type { Db } from '../db/connect.ts';
import type { ReviewInvoice, ReviewMonth } from './load-review-month.ts';

/** Approving more than this many mails at once asks for confirmation on a terminal (--yes skips it). */
export const CONFIRM_ABOVE = 20;

/** Live invoices awaiting review that raise no flag: what "approve all unflagged" approves. */
export function unflaggedAwaiting(m: ReviewMonth): ReadonlyArray<ReviewInvoice> {
  return m.invoices.filter(
    (i) => i.status !== 'void' && i.reviewState === 'awaiting_review' && i.flags.length === 0,
  );
}

/** The invoice with this number ('INV/2026/11/00042'), or null. */
export async function invoiceByNumber(
  db: Db,
  number: string,
): Promise<{ readonly id: number; readonly number: string; readonly month: string } | null> {
  const row = await db
    .selectFrom('invoices')
    .select(['id', 'number', 'period'])
    .where('number', '=', number.trim())
    .executeTakeFirst();
  return row ? { id: row.id, number: row.number, month: row.period.slice(0, 7) } : null;
}
