import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Database, Db } from '../../src/db/connect.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';

export const at = (wib: string) => new Date(`${wib}+07:00`);

export function asDatabase(t: { db: TestDatabase['db']; pool: TestDatabase['pool'] }): Database {
  return { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
}

export async function schedulerConfig(env: Record<string, string> = {}): Promise<Config> {
  return { ...loadConfig(env), outDir: await tempDir('tagih-sched-') };
}

/** A logger whose JSON lines are kept in memory. */
export function memoryLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: 'debug', format: 'json', destination, isTty: false });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Customers with usage in October 2026 (and one without). */
export async function octoberUsage(db: Db, codes: ReadonlyArray<string>, quiet = 'QUIET'): Promise<void> {
  await addCustomers(db, [...codes, quiet]);
  for (const [i, customer] of codes.entries()) {
    await insertMessages(db, { customer, count: 10 + i, from: '2026-10-10T08:00:00+07:00' });
  }
}

/** Job runs as if every job had run on time up to the evening of 31 October 2026. */
export async function ranUntilOctober31(db: Db): Promise<void> {
  const rows: Array<[string, string]> = [
    ['partitions', '2026-10-31T00:05'],
    ['rollup', '2026-10-31T00:15'],
    ['settle', '2026-10-01T00:30'],
    ['invoice', '2026-10-01T01:00'],
    ['quota', '2026-10-31T23:00'],
    ['reminders', '2026-10-31T08:00'],
    ['prepaid', '2026-10-31T01:30'],
    ['mail', '2026-10-31T23:55'],
  ];
  for (const [job, tick] of rows) {
    const t = at(tick);
    await db
      .insertInto('job_runs')
      .values({
        job,
        trigger: 'schedule',
        started_at: t,
        finished_at: new Date(t.getTime() + 1000),
        outcome: 'ok',
        counts: JSON.stringify({ tick: t.toISOString() }),
      })
      .execute();
  }
}

/** Successful runs per job among the rows after `afterId` (the rows a test seeded come before). */
export async function okRunsPerJob(db: Db, afterId = 0): Promise<Record<string, number>> {
  const rows = await sql<{ job: string; n: number }>`
    select job, count(*)::int as n from job_runs where outcome = 'ok' and id > ${afterId} group by job order by job
  `.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.job, r.n]));
}

export async function lastJobRunId(db: Db): Promise<number> {
  const r = await sql<{ id: number | null }>`select max(id)::bigint as id from job_runs`.execute(db);
  return r.rows[0]?.id ?? 0;
}

/** R7: every invoice whole (lines summing to its subtotal) and numbers gapless per year. */
export async function invoicesAreWhole(db: Db): Promise<{ count: number; problems: string[] }> {
  const invoices = await sql<{
    number: string;
    year: number;
    sequence: number;
    subtotal: number;
    lines: number;
  }>`
    select i.number, i.year, i.sequence, i.subtotal,
      (select coalesce(sum(l.amount), -1) from invoice_lines l where l.invoice_id = i.id)::bigint as lines
    from invoices i order by i.year, i.sequence
  `.execute(db);
  const problems: string[] = [];
  for (const [index, i] of invoices.rows.entries()) {
    if (i.lines !== i.subtotal) problems.push(`${i.number}: lines ${i.lines} ≠ subtotal ${i.subtotal}`);
    if (i.sequence !== index + 1) problems.push(`${i.number}: sequence ${i.sequence}, expected ${index + 1}`);
  }
  const counter = await sql<{ last_number: number }>`select last_number from invoice_counters`.execute(db);
  const last = counter.rows[0]?.last_number ?? 0;
  if (last !== invoices.rows.length) problems.push(`counter at ${last}, ${invoices.rows.length} invoices`);
  return { count: invoices.rows.length, problems };
}
