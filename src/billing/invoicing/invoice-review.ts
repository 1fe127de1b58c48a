// R7, R8: finance's review of a month's invoices, as billing steps the review page and `npm run review` call:
// approve (release the held mail), hold, release a hold, and void-and-reissue. Refusals are BillingRefused with what to do.
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';
import { formatRupiah } from '../../domain/money.ts';
import { wibDateOf } from '../../domain/period.ts';
import { cancelInvoiceMail, holdInvoiceMail, queueMail, releaseHeldMail } from '../../mail/outbox.ts';
import { type SendSummary, sendPendingMail } from '../../mail/send-mail.ts';
import { BillingRefused } from '../billing-refused.ts';
import { writeCreditNotePdf } from '../credit-notes/credit-note-files.ts';
import { asRefusal, issueCreditNote } from '../credit-notes/issue-credit-note.ts';
import { withJobLock } from '../job-lock.ts';
import { computeInvoices, type InvoiceDraft } from './compute-invoices.ts';
import { wibMidnight, writeInvoiceFiles, writeMonthIndex, writeVoidInvoicePdf } from './invoice-files.ts';
import { issueInvoiceIn } from './issue-invoice.ts';

export interface ApproveResult {
  readonly approved: ReadonlyArray<string>;
  /** Invoices left as they were, with why (void, already approved). */
  readonly unchanged: ReadonlyArray<{ readonly number: string; readonly reason: string }>;
  readonly mail: SendSummary;
}

function requireReason(reason: string, what: string): string {
  const clean = reason.replace(/\s+/g, ' ').trim();
  if (clean.length < 3) throw new BillingRefused(`${what} needs a reason (a few words for the history).`);
  if (clean.length > 500) throw new BillingRefused(`${what}: keep the reason under 500 characters.`);
  return clean;
}

/**
 * Approves invoices: their held mail is released (held → pending) in the same transaction as the approval and its
 * event, then sent at once. Void and already approved invoices are left as they are and reported.
 */
export async function approveInvoices(
  database: Database,
  config: Config,
  ids: ReadonlyArray<number>,
  actor: string,
  now: Date,
): Promise<ApproveResult> {
  const { db } = database;
  const outcome = await db.transaction().execute(async (trx) => {
    if (ids.length === 0) return { approved: [], unchanged: [], mailIds: [] };
    const rows = await trx
      .selectFrom('invoices')
      .select(['id', 'number', 'status', 'review_state', 'review_note'])
      .where('id', 'in', [...ids])
      .orderBy('year')
      .orderBy('sequence')
      .forUpdate()
      .execute();
    const unchanged: Array<{ number: string; reason: string }> = [];
    const todo = rows.filter((r) => {
      if (r.status === 'void') unchanged.push({ number: r.number, reason: 'void' });
      else if (r.review_state === 'approved')
        unchanged.push({ number: r.number, reason: 'already approved' });
      else return true;
      return false;
    });
    if (todo.length === 0) return { approved: [], unchanged, mailIds: [] };
    const todoIds = todo.map((r) => r.id);
    await trx
      .updateTable('invoices')
      .set({ review_state: 'approved', review_note: null })
      .where('id', 'in', todoIds)
      .execute();
    const released = await releaseHeldMail(trx, todoIds, now);
    await trx
      .insertInto('invoice_events')
      .values(
        todo.map((r) => {
          const mails = released.filter((m) => m.invoice_id === r.id).length;
          const was = r.review_state === 'held' ? `was held (${r.review_note ?? 'no reason'}); ` : '';
          return {
            invoice_id: r.id,
            event: 'approved',
            actor,
            at: now,
            detail: `${was}${mails} mail(s) released`,
          };
        }),
      )
      .execute();
    return { approved: todo.map((r) => r.number), unchanged, mailIds: released.map((m) => m.id) };
  });
  // Mail goes out after the approval committed: what fails stays in the outbox for 'npm run mail -- send'.
  const mail =
    outcome.mailIds.length > 0
      ? await sendPendingMail(database, config, { now, onlyIds: outcome.mailIds })
      : { sent: 0, failed: 0, retrying: 0, files: [], notes: [] };
  return { approved: outcome.approved, unchanged: outcome.unchanged, mail };
}

/**
 * Holds an invoice back with a reason: its mail stays (or goes back to) held. Refused when holding would stop
 * nothing: the invoice is paid, or its mail has already gone out.
 */
export async function holdInvoice(
  db: Db,
  id: number,
  reason: string,
  actor: string,
  now: Date,
): Promise<{ readonly number: string }> {
  const why = requireReason(reason, 'Holding an invoice');
  return db.transaction().execute(async (trx) => {
    const inv = await trx
      .selectFrom('invoices')
      .select(['id', 'number', 'status', 'paid_amount'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!inv) throw new BillingRefused(`There is no invoice ${id}.`);
    if (inv.status === 'void') throw new BillingRefused(`${inv.number} is void; there is nothing to hold.`);
    if (inv.paid_amount > 0 || inv.status === 'paid' || inv.status === 'settled_from_deposit') {
      throw new BillingRefused(
        `${inv.number} was not held: ${formatRupiah(inv.paid_amount)} has been paid on it (${inv.status.replaceAll('_', ' ')}), so there is nothing left to hold back.`,
      );
    }
    const sent = await trx
      .selectFrom('mail_outbox')
      .select('sent_at')
      .where('invoice_id', '=', id)
      .where('kind', '=', 'invoice_issued')
      .where('status', '=', 'sent')
      .executeTakeFirst();
    if (sent) {
      throw new BillingRefused(
        `${inv.number} was not held: its mail was already sent${sent.sent_at ? ` on ${sent.sent_at.toISOString()}` : ''}, and holding cannot call it back. Void and reissue it if it is wrong.`,
      );
    }
    await trx
      .updateTable('invoices')
      .set({ review_state: 'held', review_note: why })
      .where('id', '=', id)
      .execute();
    await holdInvoiceMail(trx, id);
    await trx
      .insertInto('invoice_events')
      .values({ invoice_id: id, event: 'held', actor, at: now, detail: why })
      .execute();
    return { number: inv.number };
  });
}

/** Releases a held invoice back to review: it awaits approval again, and its mail stays held until then. */
export async function releaseInvoice(
  db: Db,
  id: number,
  actor: string,
  now: Date,
): Promise<{ readonly number: string; readonly heldFor: string | null }> {
  return db.transaction().execute(async (trx) => {
    const inv = await trx
      .selectFrom('invoices')
      .select(['id', 'number', 'status', 'review_state', 'review_note'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!inv) throw new BillingRefused(`There is no invoice ${id}.`);
    if (inv.status === 'void')
      throw new BillingRefused(`${inv.number} is void; there is nothing to release.`);
    if (inv.review_state !== 'held') {
      throw new BillingRefused(
        `${inv.number} is not held (it is ${inv.review_state.replaceAll('_', ' ')}); there is nothing to release.`,
      );
    }
    await trx
      .updateTable('invoices')
      .set({ review_state: 'awaiting_review', review_note: null })
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('invoice_events')
      .values({
        invoice_id: id,
        event: 'released',
        actor,
        at: now,
        detail: `was held (${inv.review_note ?? 'no reason'}); awaits approval again`,
      })
      .execute();
    return { number: inv.number, heldFor: inv.review_note };
  });
}

export interface ReissueResult {
  readonly voided: string;
  readonly reissued: { readonly id: number; readonly number: string };
  /** R16: the credit note that cancels the void invoice. */
  readonly creditNote: string;
}

/**
 * R16: void and reissue as one transaction: a full credit note for the invoice, the void, the period really
 * recomputed (today's prices and data) under the next number (R7: numbers are never reused), and one mail held for
 * review that says the old number is cancelled and replaced, with both PDFs. If any step fails, nothing changes.
 * Money already paid on the old invoice comes back as customer credit, used first by the new one.
 */
export async function voidAndReissue(
  database: Database,
  config: Config,
  id: number,
  reason: string,
  actor: string,
  now: Date,
): Promise<ReissueResult> {
  const why = requireReason(reason, 'Voiding an invoice');
  const { db, pool } = database;
  const old = await db
    .selectFrom('invoices')
    .select(['id', 'number', 'customer_id', 'period', 'period_end', 'kind', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!old) throw new BillingRefused(`There is no invoice ${id}.`);
  const month = old.period.slice(0, 7);
  const today = wibDateOf(now);
  // R8: an invoice is dated after its period; a clock behind the period would date the new one before it.
  if (today <= old.period_end) {
    throw new BillingRefused(
      `${old.number} was not voided: its period ends ${old.period_end}, and today (${today}, WIB) is not after it.`,
    );
  }
  const result = await withJobLock(pool, `invoice:${month}`, undefined, async () => {
    const computed = await computeInvoices(db, {
      periodStart: old.period,
      start: wibMidnight(old.period),
      endExclusive: wibMidnight(addDays(old.period_end, 1)),
      invoiceDate: today,
      customerIds: [old.customer_id],
    });
    const draft = computed.drafts[0];
    if (!draft) {
      const parked = computed.parked[0];
      throw new BillingRefused(
        parked
          ? `${old.number} was not voided: its period cannot be invoiced again now (${parked.reason}).`
          : `${old.number} was not voided: the customer has no billable usage in the period any more, so no invoice would replace it.`,
      );
    }
    const step = { old, why, actor, now, today };
    try {
      return await db.transaction().execute((trx) => reissueIn(trx, step, draft, computed.snapshot));
    } catch (error) {
      throw asRefusal(error);
    }
  });
  // R14: the void invoice's PDF re-rendered where it is with the BATAL / VOID mark, the new invoice's files and the
  // credit note's PDF, then the month's register, credit_notes.csv and print pack.
  await writeVoidInvoicePdf(database, config, id);
  await writeInvoiceFiles(database, config, result.reissued.id);
  await writeCreditNotePdf(db, config, result.creditNoteId);
  await writeMonthIndex(database, config, month);
  return { voided: result.voided, reissued: result.reissued, creditNote: result.creditNote };
}

interface ReissueStep {
  readonly old: {
    readonly id: number;
    readonly number: string;
    readonly period: string;
    readonly period_end: string;
    readonly kind: 'monthly' | 'final';
  };
  readonly why: string;
  readonly actor: string;
  readonly now: Date;
  readonly today: string;
}

/** The steps of void-and-reissue in one transaction (R16). */
async function reissueIn(trx: Db, step: ReissueStep, draft: InvoiceDraft, snapshot: string) {
  const { old, why, actor, now, today } = step;
  const note = await issueCreditNote(trx, {
    invoiceId: old.id,
    creditDate: today,
    reason: `void: ${why}`,
    actor,
    request: { kind: 'void' },
    mail: false,
  });
  await voidInvoice(trx, old, why, actor, now);
  const issued = await issueInvoiceIn(trx, draft, {
    period: old.period,
    periodEnd: old.period_end,
    kind: old.kind,
    invoiceDate: today,
    snapshot,
    actor,
    holdMail: true,
    replacesInvoiceId: old.id,
    queueMail: false,
  });
  await trx
    .insertInto('invoice_events')
    .values([
      {
        invoice_id: issued.invoiceId,
        event: 'reissued',
        actor,
        at: now,
        detail: `replaces ${old.number}: ${why}`,
      },
      {
        invoice_id: old.id,
        event: 'replaced',
        actor,
        at: now,
        detail: `by ${issued.number}, cancelled by ${note.number}`,
      },
    ])
    .execute();
  // One mail, held for review like the new invoice: the old number is cancelled and replaced; both PDFs attached.
  await queueMail(trx, {
    kind: 'invoice_replaced',
    subjectKey: `invoice:${issued.invoiceId}`,
    customerId: draft.customerId,
    invoiceId: issued.invoiceId,
    held: true,
    payload: { void_invoice_id: old.id, credit_note_id: note.id },
  });
  return {
    voided: old.number,
    reissued: { id: issued.invoiceId, number: issued.number },
    creditNote: note.number,
    creditNoteId: note.id,
  };
}

/** Voids the (row-locked, fully credited) invoice; its unsent mail is cancelled. */
async function voidInvoice(
  trx: Db,
  old: { readonly id: number; readonly number: string },
  why: string,
  actor: string,
  now: Date,
): Promise<void> {
  const id = old.id;
  await trx.updateTable('invoices').set({ status: 'void', void_reason: why }).where('id', '=', id).execute();
  // Its mail is no longer wanted; one already sent stays in the history.
  await cancelInvoiceMail(trx, id, `not sent: invoice ${old.number} is void`);
  await trx
    .insertInto('invoice_events')
    .values({ invoice_id: id, event: 'voided', actor, at: now, detail: why })
    .execute();
}
