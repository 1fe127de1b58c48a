import cron, { type ScheduledTask } from 'node-cron';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { tryLockAdvisory, unlockAdvisory } from '../db/advisory-lock.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import { previousRunAtOrBefore } from '../schedule/cron.ts';
import { JOB_DEFAULTS, type JobName } from '../schedule/job-names.ts';
import { formatAtOffset } from '../schedule/timezone.ts';
import { DatabaseWatch } from './database-watch.ts';
import {
  type JobTrigger,
  lastCovered,
  markAbandonedRuns,
  recordSkippedRun,
  startJobRun,
} from './job-runs.ts';
import { JOBS, JobInterrupted, type JobRunner, joinInvoiceJob } from './jobs.ts';
import { type CatchUp, isCovered, type JobSchedule, nextRunsOf, planCatchUp, schedulesOf } from './plan.ts';

/** How late node-cron may notice a tick and still fire it (its default is one second). */
const MISSED_TOLERANCE_MS = 60_000;

export interface SchedulerOptions {
  readonly database: Database;
  readonly config: Config;
  readonly log: Logger;
  /** Replaces jobs (tests). */
  readonly jobs?: Partial<Record<JobName, JobRunner>>;
  /** The clock (tests pass a fixed one). */
  readonly clock?: () => Date;
}

/** How the daemon watches its database (issue 17): a check every checkMs when idle, retries doubling from 1 s. */
export interface WatchSettings {
  readonly checkMs: number;
  readonly maxRetryMs: number;
  /** Called when the database is back, before the catch-up (the daemon re-registers its presence). */
  readonly onBack?: () => Promise<void>;
}

export interface RunReport {
  readonly job: JobName;
  readonly trigger: JobTrigger;
  readonly tick: Date;
  readonly outcome: 'ok' | 'failed' | 'skipped';
  /** The job_runs row. */
  readonly runId: number | null;
  readonly error?: string;
}

interface QueuedRun {
  readonly job: JobName;
  readonly trigger: JobTrigger;
  tick: Date;
}

export interface ScheduleLine {
  readonly job: JobName;
  readonly description: string;
  /** The cron expression, or null when switched off. */
  readonly cron: string | null;
  readonly next: Date | null;
}

/**
 * The nightly daemon: node-cron fires each job at its minute in the configured time zone; the runs go through one
 * queue, one at a time, each recorded in job_runs. Across processes, a per-job advisory lock ('schedule:<job>') and
 * the job_runs record of the tick make two daemons on one database run each tick once. State lives in the
 * database, so a restart catches up what was missed (catchUp).
 */
export class Scheduler {
  readonly schedules: ReadonlyArray<JobSchedule>;
  private readonly database: Database;
  private readonly config: Config;
  private readonly log: Logger;
  private readonly jobs: Readonly<Record<JobName, JobRunner>>;
  private readonly clock: () => Date;
  private readonly offset: number;
  private readonly queue: QueuedRun[] = [];
  private current: { readonly run: QueuedRun; readonly controller: AbortController } | null = null;
  private idleWaiters: Array<() => void> = [];
  private tasks: ScheduledTask[] = [];
  private stopping = false;
  private watch: DatabaseWatch | null = null;
  /** Every run this scheduler made or skipped, in order (for tests and the shutdown log). */
  readonly reports: RunReport[] = [];

  constructor(options: SchedulerOptions) {
    this.database = options.database;
    this.config = options.config;
    this.log = options.log;
    this.jobs = { ...JOBS, ...options.jobs };
    this.clock = options.clock ?? (() => new Date());
    this.offset = options.config.timezoneOffsetMinutes;
    this.schedules = schedulesOf(options.config.schedule);
  }

  /** Each job, its expression and its next run. */
  describe(now: Date = this.clock()): ReadonlyArray<ScheduleLine> {
    const next = nextRunsOf(this.schedules, now, this.offset);
    return this.schedules.map(({ job, cron: c }) => ({
      job,
      description: JOB_DEFAULTS[job].description,
      cron: c?.source ?? null,
      next: next.get(job) ?? null,
    }));
  }

  /** Logs the schedule, one line per job. */
  logSchedule(): void {
    for (const line of this.describe()) {
      if (line.cron === null) {
        this.log.info({ job: line.job, cron: 'off' }, `schedule: ${line.job} is switched off`);
        continue;
      }
      this.log.info(
        { job: line.job, cron: line.cron, next: line.next?.toISOString() ?? null },
        `schedule: ${line.job} '${line.cron}' (${line.description}); next ${line.next ? this.wall(line.next) : 'never'}`,
      );
    }
  }

  /**
   * At start-up: marks runs of dead processes as failed, then queues every job whose last successful run is older
   * than its schedule requires (e.g. down over the 1st: the month's invoices), and says so in the log.
   */
  async catchUp(): Promise<ReadonlyArray<CatchUp>> {
    for (const row of await markAbandonedRuns(this.database)) {
      this.log.warn(
        { job: row.job, run: row.id, started_at: row.started_at.toISOString() },
        `run ${row.id} of ${row.job} (started ${this.wall(row.started_at)}) was cut off before it finished (its process ended or lost the database); marked interrupted, the catch-up runs it again`,
      );
    }
    const plan = await this.planCatchUp();
    if (plan.length === 0) this.log.info('catch-up: nothing was missed');
    for (const item of plan) {
      const since = item.coveredUntil ? `last successful run ${this.wall(item.coveredUntil)}` : 'never ran';
      this.log.info(
        {
          job: item.job,
          ticks: item.ticks.map((t) => t.toISOString()),
          covered_until: item.coveredUntil?.toISOString() ?? null,
        },
        `catch-up: ${item.job} (${since}) runs now for ${item.ticks.map((t) => this.wall(t)).join(', ')}`,
      );
      if (item.more) {
        this.log.warn(
          { job: item.job },
          `catch-up: ${item.job} missed more runs than the ${item.ticks.length} made up now; run the older ones by hand`,
        );
      }
      for (const tick of item.ticks) this.enqueue(item.job, 'catch-up', tick);
    }
    return plan;
  }

  /** What a catch-up would run now, from job_runs (reads only). */
  async planCatchUp(): Promise<ReadonlyArray<CatchUp>> {
    return planCatchUp(this.schedules, await lastCovered(this.database.db), this.clock(), this.offset);
  }

  /** Starts the node-cron timers. */
  startTimers(): void {
    const logger = {
      info: (m: string) => this.log.debug({ source: 'node-cron' }, m),
      warn: (m: string) => this.log.warn({ source: 'node-cron' }, m),
      error: (m: string | Error) => this.log.error({ source: 'node-cron', err: m }, String(m)),
      debug: (m: string | Error) => this.log.debug({ source: 'node-cron' }, String(m)),
    };
    for (const { job, cron: c } of this.schedules) {
      if (c === null) continue;
      const task = cron.schedule(
        c.source,
        () => {
          const now = this.clock();
          this.enqueue(job, 'schedule', previousRunAtOrBefore(c, now, this.offset) ?? now);
        },
        {
          name: `tagih-${job}`,
          timezone: this.config.timezone,
          noOverlap: true,
          logger,
          missedExecutionTolerance: MISSED_TOLERANCE_MS,
        },
      );
      // node-cron drops a tick it noticed too late (a busy event loop); the daemon still runs it.
      task.on('execution:missed', (context) => {
        const tick = previousRunAtOrBefore(c, context.date, this.offset) ?? context.date;
        this.log.warn(
          { job, tick: tick.toISOString() },
          `${job}: tick of ${this.wall(tick)} fired late; queued`,
        );
        this.enqueue(job, 'schedule', tick);
      });
      this.tasks.push(task);
    }
  }

  /**
   * Watches the database (issue 17): when it is lost no run starts, the daemon retries with backoff, and once it is
   * back it marks cut-off runs interrupted, catches up what was missed and resumes the queue.
   */
  watchDatabase(settings: WatchSettings): void {
    this.watch = new DatabaseWatch({
      pool: this.database.pool,
      log: this.log,
      where: this.database.safeUrl,
      checkMs: settings.checkMs,
      firstRetryMs: Math.min(1000, settings.maxRetryMs),
      maxRetryMs: settings.maxRetryMs,
      onBack: async () => {
        await settings.onBack?.();
        await this.catchUp();
        void this.pump();
      },
    });
    this.watch.start();
  }

  /** Queues a run; a job already waiting for an older tick just moves on to the newer one (unless 'each'). */
  enqueue(job: JobName, trigger: JobTrigger, tick: Date): void {
    if (this.stopping) return;
    const same = (r: QueuedRun) => r.job === job && r.tick.getTime() === tick.getTime();
    if (this.queue.some(same) || (this.current && same(this.current.run))) return;
    const waiting = this.queue.find((r) => r.job === job);
    if (waiting && JOB_DEFAULTS[job].catchUp === 'latest') {
      if (tick > waiting.tick) waiting.tick = tick;
      return;
    }
    this.queue.push({ job, trigger, tick });
    void this.pump();
  }

  /** Resolves once the queue is empty and nothing runs. */
  idle(): Promise<void> {
    if (this.current === null && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether a job runs now, and which. */
  busyWith(): JobName | null {
    return this.current?.run.job ?? null;
  }

  /**
   * Graceful stop: no new runs; the running job is asked to stop at its next unit boundary (an invoice run stops
   * between two invoices) and is waited for. Locks go with their connections when the caller closes the database.
   */
  async stop(reason: string): Promise<void> {
    this.stopping = true;
    await this.watch?.stop();
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    const dropped = this.queue.splice(0);
    if (dropped.length > 0) {
      this.log.info(
        { jobs: dropped.map((r) => r.job) },
        `not starting ${dropped.length} queued run(s); the next start catches them up`,
      );
    }
    if (this.current) {
      this.log.info({ job: this.current.run.job }, `waiting for ${this.current.run.job} to stop (${reason})`);
      this.current.controller.abort(reason);
      await this.idle();
    }
  }

  private async pump(): Promise<void> {
    if (this.current !== null) return;
    // While the database is gone the queue waits; the watch resumes it.
    if (this.watch?.isDown && !this.stopping) return;
    const next = this.queue.shift();
    if (next === undefined) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    const controller = new AbortController();
    this.current = { run: next, controller };
    try {
      this.reports.push(await this.runJob(next.job, next.trigger, next.tick, controller.signal));
    } catch (error) {
      // The database itself failed (lock or job_runs): logged, and the next tick or start tries again.
      this.log.error({ job: next.job, err: error }, `${next.job} could not be run`);
      this.watch?.noteError(error);
      this.reports.push({
        job: next.job,
        trigger: next.trigger,
        tick: next.tick,
        outcome: 'failed',
        runId: null,
        error: (error as Error).message,
      });
    } finally {
      this.current = null;
    }
    if (this.stopping) this.queue.length = 0;
    await this.pump();
  }

  /**
   * One run of a job for a tick: under the lock 'schedule:<job>'; skipped when another daemon holds it, or when a
   * successful run already covers the tick (another daemon did it a moment ago); else recorded in job_runs.
   */
  async runJob(
    job: JobName,
    trigger: JobTrigger,
    tick: Date,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<RunReport> {
    const log = this.log.child({ job });
    const report = (outcome: RunReport['outcome'], runId: number | null, error?: string): RunReport => ({
      job,
      trigger,
      tick,
      outcome,
      runId,
      ...(error === undefined ? {} : { error }),
    });
    const ran = await this.withScheduleLock(job, async (session) => {
      const covered = (await lastCovered(this.database.db)).get(job);
      if (isCovered(tick, covered)) {
        const reason = `already done for ${this.wall(tick)} by another run (another daemon, or by hand)`;
        await recordSkippedRun(this.database, job, trigger, tick, reason);
        log.info({ tick: tick.toISOString() }, `${job} skipped: ${reason}`);
        return report('skipped', null);
      }
      const run = await startJobRun(this.database, job, trigger, tick, session);
      const started = Date.now();
      log.info({ run: run.id, trigger, tick: tick.toISOString() }, `${job} started (${trigger})`);
      try {
        const result = await this.jobs[job]({
          database: this.database,
          config: this.config,
          log,
          now: this.clock(),
          clock: this.clock,
          tick,
          signal,
        });
        await run.finish(result.outcome, result.counts);
        log.info(
          { run: run.id, outcome: result.outcome, ms: Date.now() - started, ...result.counts },
          `${job} ${result.outcome === 'ok' ? 'done' : 'skipped'}`,
        );
        return report(result.outcome, run.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A shutdown between two units of work is an interruption, not a failure of the job (issue 17).
        const outcome = error instanceof JobInterrupted ? 'interrupted' : 'failed';
        await run.finish(outcome, {}, message).catch((e) => {
          // The database is gone: the row stays 'running' until the catch-up after it is back marks it interrupted.
          log.error({ run: run.id, err: e }, `could not record the end of run ${run.id}`);
        });
        if (error instanceof JobInterrupted) log.warn({ run: run.id }, `${job} stopped: ${message}`);
        else log.error({ run: run.id, err: error, ms: Date.now() - started }, `${job} failed`);
        this.watch?.noteError(error);
        return report('failed', run.id, message);
      }
    });
    if (ran !== null) return ran;
    const joined =
      job === 'invoice'
        ? await joinInvoiceJob({
            database: this.database,
            config: this.config,
            log,
            clock: this.clock,
            tick,
            signal,
          })
        : '';
    const reason = `another tagih daemon is running this job now${joined}`;
    await recordSkippedRun(this.database, job, trigger, tick, reason);
    log.warn({ tick: tick.toISOString() }, `${job} skipped: ${reason}`);
    return report('skipped', null);
  }

  /**
   * Runs `fn` holding the advisory lock 'schedule:<job>' on a session of its own (which also carries the run's
   * liveness lock: one connection per run besides the job's own), or returns null when another daemon holds it.
   */
  private async withScheduleLock<T>(
    job: JobName,
    fn: (session: pg.PoolClient) => Promise<T>,
  ): Promise<T | null> {
    const session = await this.database.pool.connect();
    const key = `tagih:schedule:${job}`;
    let broken: Error | undefined;
    try {
      if (!(await tryLockAdvisory(session, key))) return null;
      try {
        return await fn(session);
      } finally {
        await unlockAdvisory(session, key).catch((e: Error) => {
          broken = e;
        });
      }
    } finally {
      session.release(broken);
    }
  }

  private wall(instant: Date): string {
    return formatAtOffset(instant, this.offset);
  }
}
