import { sql } from 'kysely';
import { type PrepaidOverview, prepaidNeedingAttention } from '../billing/prepaid/prepaid-overview.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { creditedOf, OPEN_STATUSES, openAmount } from '../domain/invoice-balance.ts';
import { wibDateOf } from '../domain/period.ts';
import { previousRunAtOrBefore } from '../schedule/cron.ts';
import { JOB_DEFAULTS, type JobName } from '../schedule/job-names.ts';
import { runningDaemons } from '../scheduler/daemon-presence.ts';
import { type JobHistory, type JobRunRow, jobHistory, lastCovered } from '../scheduler/job-runs.ts';
import { isCovered, nextRunsOf, schedulesOf } from '../scheduler/plan.ts';

export interface RunView {
  readonly id: number;
  readonly trigger: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly outcome: string;
  readonly counts: unknown;
  readonly error: string | null;
}

export interface JobStatus {
  readonly job: JobName;
  readonly description: string;
  readonly cron: string | null;
  readonly next_run: string | null;
  readonly last_run: RunView | null;
  readonly last_ok: RunView | null;
  /** Failed runs since the last successful one. */
  readonly failures: number;
  /** Its latest scheduled tick has no successful run: the daemon is down or the job keeps failing. */
  readonly behind: boolean;
}

/** A run may take this long to start and finish before status calls its job behind. */
const BEHIND_GRACE_MS = 2 * 60_000;

export interface Status {
  readonly now: string;
  /** Daemons (`npm start`) running on this database now. */
  readonly daemons: number;
  readonly today: string;
  readonly timezone: string;
  readonly jobs: ReadonlyArray<JobStatus>;
  readonly mail: {
    readonly pending: number;
    readonly held: number;
    readonly failed: number;
    readonly recent_failures: ReadonlyArray<{
      id: number;
      kind: string;
      subject: string;
      error: string | null;
    }>;
  };
  readonly suspended: ReadonlyArray<{ customer_code: string; reason: string; since: string }>;
  /** R15: prepaid accounts at zero or forfeiting within 30 days. */
  readonly prepaid: ReadonlyArray<PrepaidOverview>;
  /** Messages in the default partition: their month has no partition yet (the partitions job creates it). */
  readonly unpartitioned: ReadonlyArray<{ month: string; rows: number }>;
  readonly past_due: ReadonlyArray<{
    invoice_number: string;
    customer_code: string;
    due_date: string;
    days_overdue: number;
    open: number;
  }>;
}

function view(row: JobRunRow | null): RunView | null {
  if (row === null) return null;
  return {
    id: row.id,
    trigger: row.trigger,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    outcome: row.outcome,
    counts: row.counts,
    error: row.error,
  };
}

/** The jobs: schedule, last runs, failures since the last success, and whether one is behind. */
async function jobStatuses(db: Db, config: Config, now: Date): Promise<JobStatus[]> {
  const schedules = schedulesOf(config.schedule);
  const next = nextRunsOf(schedules, now, config.timezoneOffsetMinutes);
  const history = await jobHistory(
    db,
    schedules.map((s) => s.job),
  );
  const covered = await lastCovered(db);
  return schedules.map(({ job, cron }): JobStatus => {
    const h: JobHistory = history.get(job) ?? { last: null, lastOk: null, failuresSinceOk: 0 };
    const due = new Date(now.getTime() - BEHIND_GRACE_MS);
    const latest = cron ? previousRunAtOrBefore(cron, due, config.timezoneOffsetMinutes) : null;
    return {
      job,
      description: JOB_DEFAULTS[job].description,
      cron: cron?.source ?? null,
      next_run: next.get(job)?.toISOString() ?? null,
      last_run: view(h.last),
      last_ok: view(h.lastOk),
      failures: h.failuresSinceOk,
      behind: latest !== null && !isCovered(latest, covered.get(job)),
    };
  });
}

/** The outbox: how many mails wait, are held or failed, and the latest failures. */
async function mailStatus(db: Db): Promise<Status['mail']> {
  const mailCounts = await db
    .selectFrom('mail_outbox')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('status', 'in', ['pending', 'held', 'failed'])
    .groupBy('status')
    .execute();
  const count = (s: string) => mailCounts.find((m) => m.status === s)?.n ?? 0;
  const recentFailures = await db
    .selectFrom('mail_outbox')
    .select(['id', 'kind', 'subject_key', 'last_error'])
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  return {
    pending: count('pending'),
    held: count('held'),
    failed: count('failed'),
    recent_failures: recentFailures.map((m) => ({
      id: m.id,
      kind: m.kind,
      subject: m.subject_key,
      error: m.last_error,
    })),
  };
}

/** Accounts suspended now, with the reason and since when. */
async function suspendedAccounts(db: Db): Promise<Status['suspended']> {
  const suspended = await db
    .selectFrom('suspensions as s')
    .innerJoin('customers as c', 'c.id', 's.customer_id')
    .select(['c.code', 's.reason', 's.since'])
    .where('s.lifted_at', 'is', null)
    .orderBy('c.code')
    .orderBy('s.reason')
    .execute();
  return suspended.map((s) => ({
    customer_code: s.code,
    reason: s.reason,
    since: new Date(s.since).toISOString(),
  }));
}

/** Open invoices past their due date, with what is still open (R11, R12, R16). */
async function pastDueInvoices(db: Db, today: string): Promise<Status['past_due']> {
  const pastDue = await db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
      'i.number',
      'c.code',
      'i.due_date',
      'i.total',
      'i.paid_amount',
      'i.credit_reduced',
      'i.credit_used',
      sql<number>`(${today}::date - i.due_date)::int`.as('days'),
    ])
    .where('i.status', 'in', OPEN_STATUSES)
    .where('i.due_date', '<', today)
    .where(sql<boolean>`i.paid_amount + i.credit_reduced + i.credit_used < i.total`)
    .orderBy('i.due_date')
    .orderBy('i.number')
    .execute();
  return pastDue.map((i) => ({
    invoice_number: i.number,
    customer_code: i.code,
    due_date: i.due_date,
    days_overdue: i.days,
    open: openAmount({ total: i.total, paidAmount: i.paid_amount, credited: creditedOf(i) }),
  }));
}

/** What the operator on call needs to know, from the database and the configured schedule. */
export async function readStatus(db: Db, config: Config, now: Date): Promise<Status> {
  const today = wibDateOf(now);
  const unpartitioned = await sql<{ month: string; rows: number }>`
    select to_char(sent_at at time zone 'Asia/Jakarta', 'YYYY-MM') as month, count(*)::bigint as rows
    from messages_default group by 1 order by 1`.execute(db);
  return {
    now: now.toISOString(),
    unpartitioned: unpartitioned.rows,
    daemons: await runningDaemons(db),
    today,
    timezone: config.timezone,
    jobs: await jobStatuses(db, config, now),
    mail: await mailStatus(db),
    prepaid: await prepaidNeedingAttention(db, today),
    suspended: await suspendedAccounts(db),
    past_due: await pastDueInvoices(db, today),
  };
}
