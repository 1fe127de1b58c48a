// R7, R8, R14: "issue the month, then send the mail" as one step, called by `npm run invoice` and by the
// scheduler's invoice job. It also owns the catch-up rule: which run by hand counts for the scheduler.
import {
  type InvoiceRunOptions,
  type InvoiceRunSummary,
  runInvoiceMonth,
} from '../billing/invoicing/invoice-month.ts';
import { runSharedInvoiceMonth, type StartWorkers } from '../billing/invoicing/shared-month.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { lastFinishedMonth } from '../domain/period.ts';
import { type SendSummary, sendPendingMail } from '../mail/send-mail.ts';
import { invoiceCounts } from '../scheduler/job-counts.ts';
import { recordJobRun } from '../scheduler/job-runs.ts';

export interface IssueMonthOptions extends InvoiceRunOptions {
  /** 'manual': a clerk's run; 'scheduler': the daemon's invoice job (the daemon records its own run). */
  readonly trigger: 'manual' | 'scheduler';
  /** false (--no-email): the mail stays queued for the next mail run. */
  readonly email: boolean;
  /** The clock for the mail (mail queued by the run is due from when it was queued); the real clock if absent. */
  readonly clock?: () => Date;
  /** Asked after the run: true leaves the mail for the next mail run (a shutdown under way). */
  readonly stopBeforeMail?: () => boolean;
  /** Issue 16 (--workers): the month is shared by workers these start; absent, this process does it all. */
  readonly workers?: StartWorkers;
  /** With workers: a shutdown stops this process claiming items (the daemon's invoice job). */
  readonly signal?: AbortSignal;
}

/** Why no mail was sent after the run, if none was. */
export type MailNotSent = 'dry_run' | 'held_for_review' | 'no_email' | 'stopped';

export interface IssuedMonth extends InvoiceRunSummary {
  readonly mail: SendSummary | null;
  readonly mailNotSent: MailNotSent | null;
}

/**
 * The catch-up rule: a whole run of the last finished month by hand counts for the scheduler (it is recorded
 * in job_runs, so the daemon does not run the month again); a dry run, one customer or an older month does not
 * (it must not hide a missed run of the current one).
 */
export function countsForCatchUp(opts: IssueMonthOptions): boolean {
  return (
    opts.trigger === 'manual' &&
    !opts.dryRun &&
    opts.customerCode === undefined &&
    opts.month === lastFinishedMonth(opts.now)
  );
}

/** Issues the month (R7, R8, R14), then sends the mail after the run committed, outside the month's lock. */
export async function issueMonthAndMail(
  database: Database,
  config: Config,
  opts: IssueMonthOptions,
): Promise<IssuedMonth> {
  const workers = opts.workers;
  const run = () =>
    workers
      ? runSharedInvoiceMonth(database, config, opts, workers)
      : runInvoiceMonth(database, config, opts);
  const summary = countsForCatchUp(opts)
    ? await recordJobRun(database, 'invoice', 'manual', run, { countsOf: invoiceCounts })
    : await run();
  const notSent = mailNotSent(opts);
  if (notSent !== null) return { ...summary, mail: null, mailNotSent: notSent };
  // What fails to send stays queued for the next mail run.
  const mail = await sendPendingMail(database, config, opts.clock ? { now: opts.clock() } : {});
  return { ...summary, mail, mailNotSent: null };
}

function mailNotSent(opts: IssueMonthOptions): MailNotSent | null {
  if (opts.dryRun) return 'dry_run';
  if (opts.holdMail) return 'held_for_review';
  if (!opts.email) return 'no_email';
  if (opts.stopBeforeMail?.()) return 'stopped';
  return null;
}
