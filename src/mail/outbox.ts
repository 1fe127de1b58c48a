import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export type MailKind =
  | 'invoice_issued'
  | 'quota_warning'
  | 'quota_suspended'
  | 'settled_from_deposit'
  | 'suspended_unpaid'
  | 'payment_received'
  | 'account_closed'
  | 'reminder_before_due'
  | 'reminder_overdue';

/**
 * The payload each notice kind's template needs (amounts whole rupiah, dates 'YYYY-MM-DD', months 'YYYY-MM').
 * Invoice kinds (invoice_issued, reminder_*) need none: they are built from their invoice (invoiceId).
 * A payload that does not fit fails its mail at once with the reason (see src/mail/mail-view.ts).
 * The key `retry_recipients` is the sender's own (recipients a server deferred while it took the others).
 */
export interface MailPayloads {
  readonly quota_warning: { month: string; usage: number; quota: number; percent: number };
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
}

export interface QueuedMail {
  readonly kind: MailKind;
  /** What the mail is about, unique per kind, e.g. 'invoice:42' or 'quota:ACME:2026-10:80'. */
  readonly subjectKey: string;
  readonly customerId: number | null;
  readonly invoiceId?: number | null;
  /** Facts the template needs beyond the invoice and the customer. */
  readonly payload?: Readonly<Record<string, unknown>>;
  /** Held until finance approves (review mode). */
  readonly held?: boolean;
}

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
