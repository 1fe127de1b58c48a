import type { Db } from '../db/connect.ts';
import type { MailStatus } from '../db/schema.ts';
import { putAllFailedBackToPending, putBackToPending } from './outbox.ts';

export const MAIL_STATUSES: ReadonlyArray<MailStatus> = ['held', 'pending', 'sent', 'failed', 'cancelled'];

export interface OutboxEntry {
  readonly id: number;
  readonly kind: string;
  readonly subjectKey: string;
  readonly customerCode: string | null;
  readonly invoiceNumber: string | null;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly serverResponse: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

/** The outbox, oldest first, optionally of one status. */
export async function listOutbox(db: Db, status?: MailStatus): Promise<OutboxEntry[]> {
  let q = db
    .selectFrom('mail_outbox as m')
    .leftJoin('customers as c', 'c.id', 'm.customer_id')
    .leftJoin('invoices as i', 'i.id', 'm.invoice_id')
    .select([
      'm.id',
      'm.kind',
      'm.subject_key',
      'c.code',
      'i.number',
      'm.status',
      'm.attempts',
      'm.next_attempt_at',
      'm.last_error',
      'm.server_response',
      'm.created_at',
      'm.sent_at',
    ]);
  if (status) q = q.where('m.status', '=', status);
  const rows = await q.orderBy('m.id').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subjectKey: r.subject_key,
    customerCode: r.code,
    invoiceNumber: r.number,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    serverResponse: r.server_response,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}

/** A retry finance asked for that would do harm (a resend) or cannot apply (a held or unknown mail). */
export class RetryRefused extends Error {
  override readonly name = 'RetryRefused';
}

/** Puts one failed (or cancelled, or waiting) mail back to pending, due now, with its attempts reset. */
export async function retryMail(db: Db, id: number, now: Date): Promise<void> {
  const row = await db
    .selectFrom('mail_outbox')
    .select(['status', 'sent_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new RetryRefused(`There is no mail ${id}. See 'npm run mail -- list'.`);
  if (row.status === 'sent') {
    throw new RetryRefused(
      `Mail ${id} was sent on ${row.sent_at?.toISOString() ?? '(unknown)'}; retrying would send it twice.`,
    );
  }
  if (row.status === 'held') {
    throw new RetryRefused(`Mail ${id} is held for review; approve its invoice to release it.`);
  }
  await putBackToPending(db, id, now);
}

/** Puts every failed mail back to pending; returns their ids. */
export async function retryAllFailed(db: Db, now: Date): Promise<number[]> {
  return (await putAllFailedBackToPending(db, now)).sort((a, b) => a - b);
}
