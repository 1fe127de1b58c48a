import { sql } from 'kysely';
import type pg from 'pg';
import { lockAdvisory, tryLockAdvisory, unlockAdvisory } from '../db/advisory-lock.ts';
import type { Db } from '../db/connect.ts';
import { scrubSecrets } from '../log.ts';

export type JobTrigger = 'schedule' | 'catch-up' | 'manual';
export type JobOutcome = 'running' | 'ok' | 'failed' | 'skipped' | 'interrupted';
/** What a run did, as flat facts for job_runs.counts, e.g. { month: '2026-10', issued: 42 }. */
export type JobCounts = Readonly<Record<string, string | number | boolean | null>>;

interface DatabaseLike {
  readonly db: Db;
  readonly pool: pg.Pool;
}

/** The advisory lock a run holds while it is alive: a 'running' row whose lock is free belongs to a dead process. */
const runLockKey = (id: number) => `tagih:run:${id}`;

/** A job_runs row in progress, and the session that keeps it alive. */
export interface JobRun {
  readonly id: number;
  finish(outcome: Exclude<JobOutcome, 'running'>, counts: JobCounts, error?: string | null): Promise<void>;
}

/**
 * Starts a job_runs row ('running'). The row and its liveness lock are committed together, so no other process ever
 * sees the row without its lock. `tick` is the scheduled minute the run stands for (catch-up and status compare it).
 */
export async function startJobRun(
  database: DatabaseLike,
  job: string,
  trigger: JobTrigger,
  tick: Date | null = null,
  /** A session the caller holds for the run (the daemon's, which also holds its job lock); else one of the pool's. */
  session?: pg.PoolClient,
): Promise<JobRun> {
  const client = session ?? (await database.pool.connect());
  const release = (error?: Error) => {
    if (session === undefined) client.release(error);
  };
  const base: Record<string, string | number | boolean | null> = tick ? { tick: tick.toISOString() } : {};
  let id: number;
  try {
    await client.query('begin');
    const inserted = await client.query<{ id: string | number }>(
      "insert into job_runs (job, trigger, outcome, counts) values ($1, $2, 'running', $3) returning id",
      [job, trigger, JSON.stringify(base)],
    );
    id = Number(inserted.rows[0]!.id);
    await lockAdvisory(client, runLockKey(id));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    release();
    throw error;
  }
  let finished = false;
  return {
    id,
    async finish(outcome, counts, error = null) {
      if (finished) return;
      finished = true;
      try {
        await client.query(
          'update job_runs set finished_at = now(), outcome = $2, counts = $3, error = $4 where id = $1',
          [id, outcome, JSON.stringify({ ...base, ...counts }), error === null ? null : scrubSecrets(error)],
        );
        await unlockAdvisory(client, runLockKey(id));
        release();
      } catch (e) {
        // The connection is gone (database stopped): the lock went with it; the next start marks the row abandoned.
        release(e as Error);
        throw e;
      }
    },
  };
}

/** Records a run that did not happen (another copy has it), so the operator sees two daemons at work. */
export async function recordSkippedRun(
  database: DatabaseLike,
  job: string,
  trigger: JobTrigger,
  tick: Date | null,
  reason: string,
): Promise<void> {
  await database.db
    .insertInto('job_runs')
    .values({
      job,
      trigger,
      outcome: 'skipped',
      finished_at: sql<Date>`now()`,
      counts: JSON.stringify({ ...(tick ? { tick: tick.toISOString() } : {}), reason }),
    })
    .execute();
}

export interface RecordOptions<T> {
  /** The scheduled minute the run stands for; leave out for a run by hand. */
  readonly tick?: Date | null;
  /** The facts to keep from the result, e.g. (s) => ({ month: s.month, issued: s.issued.length }). */
  readonly countsOf?: (result: T) => JobCounts;
}

/**
 * Runs `fn` as one recorded run of `job`: a job_runs row 'running', then 'ok' with its counts or 'failed' with the
 * error (rethrown). For the CLI commands, e.g. in src/cli/settle.ts:
 *
 *   recordJobRun(database, 'settle', 'manual', () => runSettlement(database, opts), { countsOf: settleCounts })
 *
 * Job names are the daemon's (rollup, settle, invoice, quota, reminders, mail): a successful run by hand counts for
 * the daemon's catch-up as a run of that job. Record only runs that do the whole job (not a --dry-run, nor an
 * invoice run for one --customer).
 */
export async function recordJobRun<T>(
  database: DatabaseLike,
  job: string,
  trigger: JobTrigger,
  fn: () => Promise<T>,
  options: RecordOptions<T> = {},
): Promise<T> {
  const run = await startJobRun(database, job, trigger, options.tick ?? null);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await run.finish('failed', {}, error instanceof Error ? error.message : String(error)).catch(() => {});
    throw error;
  }
  await run.finish('ok', options.countsOf ? options.countsOf(result) : {});
  return result;
}

/**
 * Marks 'running' rows whose process is gone (killed, machine down, database connection lost) as interrupted, so they
 * neither look busy forever nor hide that the job must run again. Returns the rows marked.
 */
export async function markAbandonedRuns(
  database: DatabaseLike,
): Promise<ReadonlyArray<{ id: number; job: string; started_at: Date }>> {
  const running = await database.db
    .selectFrom('job_runs')
    .select(['id', 'job', 'started_at'])
    .where('outcome', '=', 'running')
    .orderBy('id')
    .execute();
  if (running.length === 0) return [];
  const abandoned: Array<{ id: number; job: string; started_at: Date }> = [];
  const client = await database.pool.connect();
  try {
    for (const row of running) {
      const key = runLockKey(row.id);
      if (!(await tryLockAdvisory(client, key))) continue;
      try {
        const updated = await client.query(
          `update job_runs set outcome = 'interrupted', finished_at = now(),
             error = 'interrupted: the process running it ended before it finished (killed, or its database connection was lost)'
           where id = $1 and outcome = 'running'`,
          [row.id],
        );
        if (updated.rowCount) abandoned.push(row);
      } finally {
        await unlockAdvisory(client, key);
      }
    }
  } finally {
    client.release();
  }
  return abandoned;
}

/**
 * Up to when each job has run successfully: the tick of its latest 'ok' run (the scheduled minute it stood for), or
 * its start for a run by hand. Jobs that never ran are absent.
 */
export async function lastCovered(db: Db): Promise<Map<string, Date>> {
  const rows = await sql<{ job: string; covered: Date }>`
    select job, max(coalesce((counts->>'tick')::timestamptz, started_at)) as covered
    from job_runs where outcome = 'ok' group by job
  `.execute(db);
  return new Map(rows.rows.map((r) => [r.job, new Date(r.covered)]));
}

export interface JobRunRow {
  readonly id: number;
  readonly job: string;
  readonly trigger: JobTrigger;
  readonly started_at: Date;
  readonly finished_at: Date | null;
  readonly outcome: JobOutcome;
  readonly counts: unknown;
  readonly error: string | null;
}

export interface JobHistory {
  readonly last: JobRunRow | null;
  readonly lastOk: JobRunRow | null;
  /** Failed runs since the last successful one. */
  readonly failuresSinceOk: number;
}

/** Each job's latest run, latest successful run and failures since. */
export async function jobHistory(db: Db, jobs: ReadonlyArray<string>): Promise<Map<string, JobHistory>> {
  const out = new Map<string, JobHistory>();
  for (const job of jobs) {
    const last = await db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', job)
      .where('outcome', '<>', 'skipped')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const lastOk = await db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', job)
      .where('outcome', '=', 'ok')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    let failures = db
      .selectFrom('job_runs')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('job', '=', job)
      .where('outcome', 'in', ['failed', 'interrupted']);
    if (lastOk) failures = failures.where('started_at', '>', lastOk.started_at);
    const { n } = await failures.executeTakeFirstOrThrow();
    out.set(job, {
      last: (last as JobRunRow | undefined) ?? null,
      lastOk: (lastOk as JobRunRow | undefined) ?? null,
      failuresSinceOk: n,
    });
  }
  return out;
}
