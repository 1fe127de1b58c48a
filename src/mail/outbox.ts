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
