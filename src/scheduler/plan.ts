// Pure: what the daemon must run at start-up after an outage, and when each job runs next. Takes the schedule,
// what the database says ran, and `now`; returns plain values (tested with a fake clock).
import { type Cron, nextRunAfter, parseCron, previousRunAtOrBefore } from '../schedule/cron.ts';
import { JOB_DEFAULTS, JOB_NAMES, type JobName } from '../schedule/job-names.ts';

/** How many missed ticks of an 'each' job a catch-up runs at most (a year of monthly runs). */
export const MAX_CATCH_UP_TICKS = 12;

export interface JobSchedule {
  readonly job: JobName;
  /** null: switched off. */
  readonly cron: Cron | null;
}

/** The schedule of the configuration (its expressions were validated when it was loaded). */
export function schedulesOf(schedule: Readonly<Record<JobName, string | null>>): ReadonlyArray<JobSchedule> {
  return JOB_NAMES.map((job) => {
    const expression = schedule[job];
    return { job, cron: expression === null ? null : parseCron(expression) };
  });
}

export interface CatchUp {
  readonly job: JobName;
  /** The missed ticks to run for, oldest first (one for a 'latest' job). */
  readonly ticks: ReadonlyArray<Date>;
  /** Up to when the job had run successfully, or null if never. */
  readonly coveredUntil: Date | null;
  /** More ticks were missed than MAX_CATCH_UP_TICKS: the oldest are left to the operator. */
  readonly more: boolean;
}

/**
 * The catch-up at start-up: every job whose latest scheduled tick at or before `now` is later than its last
 * successful run. E.g. invoices scheduled '0 1 1 * *', last run 2026-10-01T01:00+07:00, now 2026-11-01T03:00+07:00:
 * the tick of 2026-11-01T01:00 was missed, so the invoice job runs now for it (month 2026-10). A job that never
 * ran runs once. Jobs come in JOB_NAMES order (usage first, mail last).
 */
export function planCatchUp(
  schedules: ReadonlyArray<JobSchedule>,
  covered: ReadonlyMap<string, Date>,
  now: Date,
  offsetMinutes: number,
): ReadonlyArray<CatchUp> {
  const plan: CatchUp[] = [];
  for (const { job, cron } of schedules) {
    if (cron === null) continue;
    const latest = previousRunAtOrBefore(cron, now, offsetMinutes);
    if (latest === null) continue;
    const coveredUntil = covered.get(job) ?? null;
    if (coveredUntil !== null && coveredUntil.getTime() >= latest.getTime()) continue;
    if (JOB_DEFAULTS[job].catchUp === 'latest' || coveredUntil === null) {
      plan.push({ job, ticks: [latest], coveredUntil, more: false });
      continue;
    }
    // Walk back from the latest tick: at most MAX_CATCH_UP_TICKS, however long the outage.
    const missed: Date[] = [];
    let t: Date | null = latest;
    while (t !== null && t.getTime() > coveredUntil.getTime() && missed.length < MAX_CATCH_UP_TICKS) {
      missed.unshift(t);
      t = previousRunAtOrBefore(cron, new Date(t.getTime() - 60_000), offsetMinutes);
    }
    const more = t !== null && t.getTime() > coveredUntil.getTime();
    plan.push({ job, ticks: missed, coveredUntil, more });
  }
  const order = (j: JobName) => JOB_NAMES.indexOf(j);
  return plan.sort((a, b) => order(a.job) - order(b.job));
}

/** The next run of each job that is switched on, after `now`. */
export function nextRunsOf(
  schedules: ReadonlyArray<JobSchedule>,
  now: Date,
  offsetMinutes: number,
): Map<JobName, Date | null> {
  return new Map(
    schedules.map(({ job, cron }) => [job, cron === null ? null : nextRunAfter(cron, now, offsetMinutes)]),
  );
}

/** Whether a run standing for `tick` is already done by a successful run that covers it. */
export function isCovered(tick: Date, coveredUntil: Date | undefined): boolean {
  return coveredUntil !== undefined && coveredUntil.getTime() >= tick.getTime();
}
