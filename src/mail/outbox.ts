import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DB, MailOutboxTable } from '../db/schema.ts';

export type MailKind =
  | 'invoice_issued'
  | 'quota_warning'
  | 'quota_suspended'
  | 'settled_from_deposit'
  | 'suspended_unpaid'
  | 'payment_received'
  | 'account_closed'
  | 'reminder_before_due'
  | 'reminder_overdue'
  | 'credit_note_issued'
  | 'invoice_replaced'
  | 'prepaid_topup'
  | 'prepaid_forfeit_warning'
  | 'prepaid_forfeited'
  | 'prepaid_statement';

/**
 * The payload each notice kind's template needs (amounts whole rupiah, dates 'YYYY-MM-DD', months 'YYYY-MM').
 * Invoice kinds (invoice_issued, reminder_*) need none: they are built from their invoice (invoiceId).
 * A payload that does not fit fails its mail at once with the reason (see src/mail/mail-view.ts).
 * The key `retry_recipients` is the sender's own (recipients a server deferred while it took the others).
 */
export interface MailPayloads {
  readonly quota_warning: { month: string; usage: number; quota: number; percent: number | null };
  readonly quota_suspended: { month: string; usage: number; quota: number };
  readonly settled_from_deposit: {
    invoice_number: string;
    amount: number;
    open_after: number;
    balance_after: number;
  };
  readonly suspended_unpaid: { invoice_numbers: string[]; open_amount: number };
  readonly payment_received: { invoice_number: string; amount: number; paid_on: string; open_after: number };
  readonly account_closed: {
    closing_date: string;
    final_invoice_number: string | null;
    refund_amount: number;
    refund_due_date: string;
  };
  /** R16: the credit note's PDF is attached; the mail's invoice is the one it corrects. */
  readonly credit_note_issued: { credit_note_id: number };
  /** R16: void and reissue: the mail's invoice is the new one; the void one's PDF and the credit note ride along. */
  readonly invoice_replaced: { void_invoice_id: number; credit_note_id: number };
  // R15 prepaid notices; `files` are attachments, paths relative to the out folder.
  readonly prepaid_topup: {
    receipt_number: string;
    topup_date: string;
    amount: number;
    tax: number;
    total: number;
    price_per_part: number;
    expires_on: string;
    balance_after: number;
    files: string[];
  };
  readonly prepaid_forfeit_warning: {
    forfeit_on: string;
    cause: 'expiry' | 'inactivity';
    balance: number;
    days: number;
  };
  readonly prepaid_forfeited: {
    forfeit_on: string;
    cause: 'expiry' | 'inactivity' | 'closure';
    amount: number;
  };
  readonly prepaid_statement: {
    month: string;
    opening: number;
    closing: number;
    expires_on: string | null;
    files: string[];
  };
}

/** Invoice kinds: built from their invoice, no payload. */
export type InvoiceMailKind = 'invoice_issued' | 'reminder_before_due' | 'reminder_overdue';

/**
 * What each kind's mail is about, unique per kind: a rerun that names the same subject queues nothing new.
 * ('quota:<customer>:<YYYY-MM>:80' is the month's 80 % warning; 'unpaid:<customer>:<YYYY-MM | closing>'.)
 */
export interface MailSubjects {
  readonly invoice_issued: `invoice:${number}`;
  readonly reminder_before_due: `invoice:${number}`;
  readonly reminder_overdue: `invoice:${number}`;
  readonly quota_warning: `quota:${number}:${string}:80`;
  readonly quota_suspended: `quota-suspension:${number}`;
  readonly settled_from_deposit: `settle:${number}`;
  readonly suspended_unpaid: `unpaid:${number}:${string}`;
  readonly payment_received: `payment:${number}`;
  readonly account_closed: `closed:${number}`;
  readonly credit_note_issued: `credit-note:${number}`;
  readonly invoice_replaced: `invoice:${number}`;
  readonly prepaid_topup: `topup:${number}`;
  readonly prepaid_forfeit_warning: `forfeit-warning:${number}:${string}:${number}`;
  readonly prepaid_forfeited: `forfeit:${number}:${string}`;
  readonly prepaid_statement: `statement:${number}:${string}`;
}

interface QueuedMailOf<K extends MailKind> {
  readonly kind: K;
  readonly subjectKey: MailSubjects[K];
  readonly customerId: number | null;
  readonly invoiceId?: number | null;
  /** Held until finance approves (review mode). */
  readonly held?: boolean;
}

/** One mail to queue: its kind decides its subject key and the payload its template needs. */
export type QueuedMail = {
  [K in MailKind]: QueuedMailOf<K> &
    (K extends keyof MailPayloads ? { readonly payload: MailPayloads[K] } : { readonly payload?: undefined });
}[MailKind];

/**
 * Queues a mail in the caller's transaction, once per (kind, subject): a rerun queues nothing new. The
 * Message-ID is fixed here, so a resend after an uncertain failure can be recognised by the receiver.
 */
export async function queueMail(trx: Kysely<DB>, mail: QueuedMail): Promise<boolean> {
  const inserted = await trx
    .insertInto('mail_outbox')
    .values({
      kind: mail.kind,
      subject_key: mail.subjectKey,
      customer_id: mail.customerId,
      invoice_id: mail.invoiceId ?? null,
      message_id: `<${mail.kind}.${mail.subjectKey.replace(/[^A-Za-z0-9.-]/g, '.')}.${randomUUID()}@tagih>`,
      status: mail.held ? 'held' : 'pending',
      payload: JSON.stringify(mail.payload ?? {}),
    })
    .onConflict((oc) => oc.columns(['kind', 'subject_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// Every change of an outbox row's status lives below, next to queueMail: held → pending → sent | failed | cancelled.

type Trx = Kysely<DB>;
type OutboxRow = Selectable<MailOutboxTable>;

/** Recipients a server deferred (4xx) while it took the others: the next attempt goes to them alone. */
const RETRY_RECIPIENTS = 'retry_recipients';

function payloadOf(row: OutboxRow): Record<string, unknown> {
  return row.payload !== null && typeof row.payload === 'object'
    ? (row.payload as Record<string, unknown>)
    : {};
}

export function retryRecipientsOf(row: OutboxRow): string[] | null {
  const list = payloadOf(row)[RETRY_RECIPIENTS];
  return Array.isArray(list) && list.length > 0 ? list.map(String) : null;
}

/** pending → sent, with the server's answer. */
export async function markSent(trx: Trx, row: OutboxRow, at: Date, response: string): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set({
      status: 'sent',
      attempts: row.attempts + 1,
      sent_at: at,
      server_response: response,
      last_error: null,
    })
    .where('id', '=', row.id)
    .execute();
}

export interface FailedAttempt {
  readonly giveUp: boolean;
  readonly reason: string;
  readonly response: string | null;
  /** When to try again (ignored when giving up). */
  readonly nextAttemptAt: Date;
  /** Only these recipients next time (the others have the mail). */
  readonly retryRecipients?: ReadonlyArray<string>;
}

/** pending → failed (giving up) or pending again, due later, with the attempt counted. */
export async function markAttemptFailed(trx: Trx, row: OutboxRow, attempt: FailedAttempt): Promise<void> {
  const only = attempt.retryRecipients;
  await trx
    .updateTable('mail_outbox')
    .set({
      status: attempt.giveUp ? 'failed' : 'pending',
      attempts: row.attempts + 1,
      last_error: attempt.reason,
      server_response: attempt.response,
      next_attempt_at: attempt.giveUp ? row.next_attempt_at : attempt.nextAttemptAt,
      ...(only ? { payload: JSON.stringify({ ...payloadOf(row), [RETRY_RECIPIENTS]: only }) } : {}),
    })
    .where('id', '=', row.id)
    .execute();
}

/** → cancelled: a mail that must not go out any more (its invoice is void). */
export async function markCancelled(trx: Trx, id: number, reason: string): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set({ status: 'cancelled', last_error: reason })
    .where('id', '=', id)
    .execute();
}

/** R13: an invoice voided: its mail not yet sent is cancelled; one already sent stays in the history. */
export async function cancelInvoiceMail(trx: Trx, invoiceId: number, reason: string): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set({ status: 'cancelled', last_error: reason })
    .where('invoice_id', '=', invoiceId)
    .where('status', 'in', ['held', 'pending', 'failed'])
    .execute();
}

/** An invoice held in review: its invoice mail not yet sent waits with it. */
export async function holdInvoiceMail(trx: Trx, invoiceId: number): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set({ status: 'held' })
    .where('invoice_id', '=', invoiceId)
    .where('kind', '=', 'invoice_issued')
    .where('status', 'in', ['pending', 'failed'])
    .execute();
}

/** Invoices approved: their held mail becomes pending, due now. Returns the rows released. */
export async function releaseHeldMail(
  trx: Trx,
  invoiceIds: ReadonlyArray<number>,
  now: Date,
): Promise<Array<{ id: number; invoice_id: number | null }>> {
  return trx
    .updateTable('mail_outbox')
    .set({ status: 'pending', next_attempt_at: now })
    .where('invoice_id', 'in', [...invoiceIds])
    .where('status', '=', 'held')
    .returning(['id', 'invoice_id'])
    .execute();
}

const backToPending = (now: Date) =>
  ({
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    server_response: null,
  }) as const;

/** Finance's retry of one mail: failed, cancelled or waiting → pending, due now, attempts reset. */
export async function putBackToPending(trx: Trx, id: number, now: Date): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set(backToPending(now))
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'cancelled', 'pending'])
    .execute();
}

/** Every failed mail → pending, due now; returns their ids. */
export async function putAllFailedBackToPending(trx: Trx, now: Date): Promise<number[]> {
  const rows = await trx
    .updateTable('mail_outbox')
    .set(backToPending(now))
    .where('status', '=', 'failed')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
