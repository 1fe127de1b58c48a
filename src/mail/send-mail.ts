import { tryJobLock } from '../billing/job-lock.ts';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/connect.ts';
import { classifyDeliveryError, type DeliveryFailure, retryDelayMs } from './delivery-failure.ts';
import {
  type Delivered,
  type Deliverer,
  emlDeliverer,
  messageOf,
  type RefusedRecipient,
  smtpDeliverer,
} from './mail-transport.ts';
import { MailPayloadError } from './mail-view.ts';
import { markAttemptFailed, markCancelled, markSent } from './outbox.ts';
import { MailObsolete, type OutboxRow, type RenderedMail, renderMail } from './render-mail.ts';

export interface SendPendingOptions {
  /** The clock: rows due by then are sent; retries are scheduled from it. */
  readonly now?: Date;
  /** Only these outbox rows (still only when pending and due). */
  readonly onlyIds?: ReadonlyArray<number>;
  /** Wait before the first retry (default 1 minute); each further retry waits 5 × longer. */
  readonly backoffBaseMs?: number;
  /** Connection, greeting and socket timeout of the SMTP client (default: nodemailer's own). */
  readonly timeoutMs?: number;
}

export interface SendSummary {
  readonly sent: number;
  readonly failed: number;
  readonly retrying: number;
  /** .eml files written (without SMTP_URL). */
  readonly files: ReadonlyArray<string>;
  /** What finance should know: details left out, partial rejections, an unreachable server. */
  readonly notes: ReadonlyArray<string>;
}

const DEFAULT_BACKOFF_MS = 60_000;

type RowOutcome =
  | { readonly result: 'skipped' }
  | { readonly result: 'cancelled' }
  | { readonly result: 'sent'; readonly file: string | null; readonly notes: ReadonlyArray<string> }
  | { readonly result: 'failed'; readonly failure: DeliveryFailure; readonly notes: ReadonlyArray<string> }
  | { readonly result: 'retrying'; readonly failure: DeliveryFailure; readonly notes: ReadonlyArray<string> };

interface RunContext {
  readonly database: Database;
  readonly config: Config;
  readonly deliverer: Deliverer;
  readonly now: Date;
  readonly backoffBaseMs: number;
}

/**
 * Sends one row inside its own transaction, holding the row's lock (`for update skip locked`) until the outcome is
 * recorded: another sender skips the row meanwhile, so it is never sent twice. A crash between the server's
 * "250" and the commit leaves the row pending; the resend carries the same Message-ID.
 */
async function sendOne(ctx: RunContext, id: number): Promise<RowOutcome> {
  return ctx.database.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<', endOfMillisecond(ctx.now))
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return { result: 'skipped' as const };
    let mail: RenderedMail;
    try {
      mail = await renderMail(ctx.database, ctx.config, row);
    } catch (error) {
      if (error instanceof MailObsolete) {
        await markCancelled(trx, row.id, `not sent: ${error.message}`);
        return { result: 'cancelled' as const };
      }
      const reason = `could not build the mail: ${(error as Error).message}`;
      const failure: DeliveryFailure = {
        kind: error instanceof MailPayloadError ? 'permanent' : 'temporary',
        reason,
        response: null,
      };
      return recordFailure(trx, ctx, row, failure, []);
    }
    let delivered: Delivered;
    try {
      delivered = await ctx.deliverer.send(row, messageOf(ctx.config, row, mail));
    } catch (error) {
      return recordFailure(trx, ctx, row, classifyDeliveryError(error), mail.notes);
    }
    return recordDelivery(trx, ctx, row, delivered, mail.notes);
  });
}

/**
 * The server took the mail. Recipients it refused for good are reported; recipients it deferred (4xx) while it
 * took the others keep the row pending, and the next attempt goes to them alone.
 */
async function recordDelivery(
  trx: Db,
  ctx: RunContext,
  row: OutboxRow,
  delivered: Delivered,
  mailNotes: ReadonlyArray<string>,
): Promise<RowOutcome> {
  const notes = [...mailNotes];
  const deferred = delivered.refused.filter((r) => r.code !== null && r.code >= 400 && r.code < 500);
  const refused = delivered.refused.filter((r) => !deferred.includes(r));
  const told = (list: ReadonlyArray<RefusedRecipient>) =>
    list.map((r) => `${r.recipient} (${r.response})`).join(', ');
  let response = delivered.response;
  if (refused.length > 0) {
    response += `; refused: ${told(refused)}`;
    notes.push(
      `Mail ${row.id} (${row.kind}) went out, but the server refused ${told(refused)}; check those addresses.`,
    );
  }
  if (deferred.length > 0) {
    const failure: DeliveryFailure = {
      kind: 'temporary',
      reason: `delivered to the others; deferred for ${told(deferred)}`,
      response: `${response}; deferred: ${told(deferred)}`,
    };
    const recipients = deferred.map((r) => r.recipient);
    return recordFailure(trx, ctx, row, failure, notes, recipients);
  }
  await markSent(trx, row, ctx.now, response);
  return { result: 'sent', file: delivered.file, notes };
}

async function recordFailure(
  trx: Db,
  ctx: RunContext,
  row: OutboxRow,
  failure: DeliveryFailure,
  notes: ReadonlyArray<string>,
  retryRecipients?: ReadonlyArray<string>,
): Promise<RowOutcome> {
  const attempts = row.attempts + 1;
  const giveUp = failure.kind === 'permanent' || attempts >= ctx.config.mailMaxAttempts;
  const reason =
    failure.kind !== 'permanent' && giveUp
      ? `gave up after ${attempts} attempts: ${failure.reason}`
      : failure.reason;
  await markAttemptFailed(trx, row, {
    giveUp,
    reason,
    response: failure.response,
    nextAttemptAt: new Date(ctx.now.getTime() + retryDelayMs(attempts, ctx.backoffBaseMs)),
    retryRecipients,
  });
  const told = { failure: { ...failure, reason }, notes };
  return giveUp ? { result: 'failed', ...told } : { result: 'retrying', ...told };
}

/**
 * The instant just after `now`'s millisecond: next_attempt_at is the database's now() (microseconds), the sender's
 * clock a millisecond Date, so a mail queued in the same millisecond as a send is due in that send.
 */
function endOfMillisecond(now: Date): Date {
  return new Date(now.getTime() + 1);
}

async function dueIds(db: Db, now: Date, onlyIds: ReadonlyArray<number> | undefined): Promise<number[]> {
  if (onlyIds !== undefined && onlyIds.length === 0) return [];
  let q = db
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<', endOfMillisecond(now));
  if (onlyIds !== undefined) q = q.where('id', 'in', [...onlyIds]);
  const rows = await q.orderBy('next_attempt_at').orderBy('id').execute();
  return rows.map((r) => r.id);
}

async function sendDue(database: Database, config: Config, opts: SendPendingOptions): Promise<SendSummary> {
  const now = opts.now ?? new Date();
  const deliverer = config.smtpUrl
    ? smtpDeliverer(config.smtpUrl, opts.timeoutMs)
    : emlDeliverer(config.outDir);
  const ctx: RunContext = {
    database,
    config,
    deliverer,
    now,
    backoffBaseMs: opts.backoffBaseMs ?? DEFAULT_BACKOFF_MS,
  };
  let sent = 0;
  let failed = 0;
  let retrying = 0;
  const files: string[] = [];
  const notes: string[] = [];
  try {
    const ids = await dueIds(database.db, now, opts.onlyIds);
    for (const [i, id] of ids.entries()) {
      const outcome = await sendOne(ctx, id);
      if (outcome.result === 'skipped') continue;
      if (outcome.result === 'cancelled') {
        notes.push(`Mail ${id} was cancelled: its invoice is void.`);
        continue;
      }
      notes.push(...outcome.notes);
      if (outcome.result === 'sent') {
        sent += 1;
        if (outcome.file) files.push(outcome.file);
        continue;
      }
      if (outcome.result === 'failed') {
        failed += 1;
        notes.push(`Mail ${id} failed: ${outcome.failure.reason}`);
      } else retrying += 1;
      if (outcome.failure.kind === 'unreachable') {
        const left = ids.length - i - 1;
        notes.push(
          `The mail server did not answer (${outcome.failure.reason}); ${left} other mail(s) stay pending for the next run.`,
        );
        break;
      }
    }
  } finally {
    deliverer.close();
  }
  return { sent, failed, retrying, files, notes };
}

/**
 * Delivers the outbox rows that are pending and due, through SMTP_URL, or as .eml files without it. Runs after the
 * transactions that queued them committed, never inside one. Temporary failures (4xx, no answer) are retried with
 * backoff up to TAGIH_MAIL_MAX_ATTEMPTS, then failed with the reason; a 5xx fails the row at once. One sender at a
 * time (advisory lock 'mail'): a second one returns at once with nothing sent.
 */
export async function sendPendingMail(
  database: Database,
  config: Config,
  opts: SendPendingOptions = {},
): Promise<SendSummary> {
  const summary = await tryJobLock(database.pool, 'mail', () => sendDue(database, config, opts));
  return (
    summary ?? {
      sent: 0,
      failed: 0,
      retrying: 0,
      files: [],
      notes: [
        'Another mail sender is running right now; it sends the pending mail, so this one sent nothing.',
      ],
    }
  );
}
