// The review page's actions: each calls its billing step (billing/invoicing/invoice-review.ts) and turns a
// refusal into a ReviewRefused, which the page shows as 409. Nothing here writes invoices or mail itself.
import { refusalsAs } from '../billing/billing-refused.ts';
import * as review from '../billing/invoicing/invoice-review.ts';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/connect.ts';

export type { ApproveResult, ReissueResult } from '../billing/invoicing/invoice-review.ts';

/** An action finance asked for that cannot apply; the message says why and what to do. */
export class ReviewRefused extends Error {
  override readonly name = 'ReviewRefused';
}

const refused = (message: string) => new ReviewRefused(message);

/** Approves invoices and sends their released mail (see billing's approveInvoices). */
export function approveInvoices(
  database: Database,
  config: Config,
  ids: ReadonlyArray<number>,
  actor: string,
  now: Date,
): Promise<review.ApproveResult> {
  return refusalsAs(refused, () => review.approveInvoices(database, config, ids, actor, now));
}

/** Holds an invoice back with a reason (see billing's holdInvoice). */
export function holdInvoice(
  db: Db,
  id: number,
  reason: string,
  actor: string,
  now: Date,
): Promise<{ readonly number: string }> {
  return refusalsAs(refused, () => review.holdInvoice(db, id, reason, actor, now));
}

/** Releases a held invoice back to review (see billing's releaseInvoice). */
export function releaseInvoice(
  db: Db,
  id: number,
  actor: string,
  now: Date,
): Promise<{ readonly number: string; readonly heldFor: string | null }> {
  return refusalsAs(refused, () => review.releaseInvoice(db, id, actor, now));
}

/** Voids an invoice and issues its period again under the next number (see billing's voidAndReissue). */
export function voidAndReissue(
  database: Database,
  config: Config,
  id: number,
  reason: string,
  actor: string,
  now: Date,
): Promise<review.ReissueResult> {
  return refusalsAs(refused, () => review.voidAndReissue(database, config, id, reason, actor, now));
}
