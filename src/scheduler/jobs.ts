// The daemon's jobs: each calls its billing step and says what it did. Locks: every step takes its own advisory
// lock (invoice:<month>, settle, quota, mail, reminders, rollup), so a clerk's run by hand and the daemon never
// overlap; the daemon adds its own per-job lock on top (see daemon.ts).

import { runSettlement } from '../billing/deposit/settle.ts';
import { joinSharedMonth } from '../billing/invoicing/join-month.ts';
import { tryJobLock } from '../billing/job-lock.ts';
import { runReminders } from '../billing/payments/reminders.ts';
import { runPrepaidForfeiture } from '../billing/prepaid/forfeit.ts';
import { issueStatements } from '../billing/prepaid/statements.ts';
import { runQuotaCheck } from '../billing/quota/quota.ts';
import { runRollup } from '../billing/quota/rollup.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { lastFinishedMonth, wibDateOf } from '../domain/period.ts';
import type { Logger } from '../log.ts';
import { sendPendingMail } from '../mail/send-mail.ts';
import { issueMonthAndMail } from '../operations/issue-month.ts';
import { defaultPartitionRows, ensurePartitions } from '../partitions/partitions.ts';
import type { JobName } from '../schedule/job-names.ts';
import { runningDaemons } from './daemon-presence.ts';
import {
  invoiceCounts,
  mailCounts,
  quotaCounts,
  reminderCounts,
  rollupCounts,
  settleCounts,
} from './job-counts.ts';
import type { JobCounts } from './job-runs.ts';

export interface JobContext {
  readonly database: Database;
  readonly config: Config;
  readonly log: Logger;
  /** When this run starts. */
  readonly now: Date;
  /** The clock, for steps later in the run (mail queued by the run is due from when it was queued). */
  readonly clock: () => Date;
  /** The scheduled minute the run stands for (a missed one, in a catch-up). */
  readonly tick: Date;
  /** Aborted on SIGTERM/SIGINT: a job stops at the next unit boundary it can. */
  readonly signal: AbortSignal;
}

export interface JobResult {
  readonly outcome: 'ok' | 'skipped';
  readonly counts: JobCounts;
}

export type JobRunner = (ctx: JobContext) => Promise<JobResult>;

/** A job stopped by a shutdown between two units of work: what is done is committed, the rest is left whole. */
export class JobInterrupted extends Error {
  override readonly name = 'JobInterrupted';
}

/**
 * Issue 16: the invoice job of a daemon that found another daemon running it: this one helps with that month close
 * if it is shared, and says what it did.
 */
export async function joinInvoiceJob(ctx: Omit<JobContext, 'now'>): Promise<string> {
  const month = lastFinishedMonth(ctx.tick);
  // The other daemon shares the month only when it sees this one registered; it may still be starting its run.
  const others = (await runningDaemons(ctx.database.db)) > 1;
  const joined = others
    ? await joinSharedMonth(ctx.database, ctx.config, { month, signal: ctx.signal, waitForStartMs: 10_000 })
    : null;
  if (joined === null) return '';
  ctx.log.info({ month, ...joined }, `joined the shared close of ${month}`);
  return `; this daemon joined its close of ${month}: ${joined.issued} invoice(s) issued, ${joined.documents} with documents written`;
}

const waiting = (ctx: JobContext, lock: string) => () =>
  ctx.log.info({ lock }, `another copy holds the '${lock}' lock (a run by hand?); waiting for it`);

async function mailAfter(ctx: JobContext): Promise<JobCounts> {
  if (ctx.signal.aborted) return { mail: 'left for the next mail run' };
  const mail = await sendPendingMail(ctx.database, ctx.config, { now: ctx.clock() });
  for (const note of mail.notes) ctx.log.warn({ note }, 'mail');
  return { mail_sent: mail.sent, mail_failed: mail.failed, mail_retrying: mail.retrying };
}

export const JOBS: Readonly<Record<JobName, JobRunner>> = {
  async partitions(ctx) {
    // Issue 16: the messages partitions of this month and the next two exist before their rows come; rows that
    // waited in the default partition (a month the job missed) move into their month's new partition.
    const created = await ensurePartitions(ctx.database.pool, ctx.now);
    const waiting = await defaultPartitionRows(ctx.database.pool);
    for (const w of waiting)
      ctx.log.warn(
        w,
        `${w.rows} message(s) of ${w.month} wait in messages_default, a month with no partition`,
      );
    const defaultRows = waiting.reduce((n, w) => n + Number(w.rows), 0);
    return {
      outcome: 'ok',
      counts: { partitions_created: created.length, default_partition_rows: defaultRows },
    };
  },

  async rollup(ctx) {
    const summary = await tryJobLock(ctx.database.pool, 'rollup', () => runRollup(ctx.database.db));
    if (summary === null) return { outcome: 'skipped', counts: { reason: 'another rollup is running' } };
    return { outcome: 'ok', counts: rollupCounts(summary) };
  },

  async settle(ctx) {
    // R11: as of the tick's day, so a missed 1st still settles that month's invoices.
    const asOf = wibDateOf(ctx.tick);
    const summary = await runSettlement(
      ctx.database,
      { asOf, now: ctx.now, actor: 'scheduler' },
      waiting(ctx, 'settle'),
    );
    if (summary.suspended.length > 0)
      ctx.log.warn({ customers: summary.suspended }, 'suspended for unpaid invoices (R11)');
    return { outcome: 'ok', counts: settleCounts(summary) };
  },

  async invoice(ctx) {
    // R8: the month the tick ended, dated the day it is actually issued.
    const month = lastFinishedMonth(ctx.tick);
    const holdMail = ctx.config.reviewBeforeSendingScheduler;
    // Issue 16: with other daemons on this database, the month is shared: this one plans it and works its items,
    // the others join it (daemon.ts) instead of only skipping the job. Alone, it closes the month in one process.
    const shared = (await runningDaemons(ctx.database.db)) > 1;
    const summary = await issueMonthAndMail(ctx.database, ctx.config, {
      ...(shared ? { workers: async () => {}, signal: ctx.signal } : {}),
      month,
      issueDate: wibDateOf(ctx.now),
      dryRun: false,
      actor: 'scheduler',
      holdMail,
      now: ctx.now,
      trigger: 'scheduler',
      email: true,
      clock: ctx.clock,
      stopBeforeMail: () => ctx.signal.aborted,
      onWait: waiting(ctx, `invoice:${month}`),
      onProgress: (stage, done, total) => {
        // Each invoice is issued in a transaction of its own and each file is written whole: between two of them
        // is a clean place to stop. The next run issues the rest and writes the missing files.
        if (ctx.signal.aborted) {
          throw new JobInterrupted(
            `interrupted by shutdown during ${stage} (${done} of ${total} done); the next start completes ${month}`,
          );
        }
      },
    });
    for (const p of summary.parked)
      ctx.log.warn({ customer: p.customerCode, reason: p.reason }, `not invoiced for ${month}`);
    for (const note of summary.mail?.notes ?? []) ctx.log.warn({ note }, 'mail');
    const mail: JobCounts = summary.mail
      ? {
          mail_sent: summary.mail.sent,
          mail_failed: summary.mail.failed,
          mail_retrying: summary.mail.retrying,
        }
      : { mail: summary.mailNotSent === 'stopped' ? 'left for the next mail run' : 'held for review' };
    return { outcome: 'ok', counts: { ...invoiceCounts(summary), ...mail } };
  },

  async quota(ctx) {
    const summary = await runQuotaCheck(ctx.database, { asOf: ctx.now }, waiting(ctx, 'quota'));
    for (const c of summary.customers) if (c.problem) ctx.log.warn({ customer: c.customer_code }, c.problem);
    return { outcome: 'ok', counts: quotaCounts(summary) };
  },

  async reminders(ctx) {
    const summary = await runReminders(
      ctx.database,
      {
        today: wibDateOf(ctx.now),
        daysBeforeDue: ctx.config.reminderDaysBeforeDue,
        daysAfterDue: ctx.config.reminderDaysAfterDue,
      },
      waiting(ctx, 'reminders'),
    );
    const mail = summary.queued.length > 0 ? await mailAfter(ctx) : {};
    return { outcome: 'ok', counts: { ...reminderCounts(summary), ...mail } };
  },

  async prepaid(ctx) {
    // R15: as of today; a catch-up books each forfeiture on the day it was due.
    // The month just ended gets its statements (once each), after its forfeitures are booked.
    const summary = await tryJobLock(ctx.database.pool, 'prepaid', async () => ({
      forfeit: await runPrepaidForfeiture(ctx.database.db, wibDateOf(ctx.now)),
      statements: await issueStatements(ctx.database, ctx.config, lastFinishedMonth(ctx.now)),
    }));
    if (summary === null) return { outcome: 'skipped', counts: { reason: 'another prepaid run is running' } };
    const { forfeit, statements } = summary;
    const queued = forfeit.forfeited.length + forfeit.warned.length + statements.issued.length;
    const mail: JobCounts = queued > 0 ? await mailAfter(ctx) : {};
    const counts: JobCounts = {
      forfeited: forfeit.forfeited.length,
      warned: forfeit.warned.length,
      statements: statements.issued.length,
      ...mail,
    };
    return { outcome: 'ok', counts };
  },

  async mail(ctx) {
    const summary = await sendPendingMail(ctx.database, ctx.config, { now: ctx.now });
    for (const note of summary.notes) ctx.log.warn({ note }, 'mail');
    return { outcome: 'ok', counts: mailCounts(summary) };
  },
};
