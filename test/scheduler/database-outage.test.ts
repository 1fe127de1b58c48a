// Issue 17: PostgreSQL restarts under the daemon (idle, and in the middle of its invoice run) and under an invoice
// run by hand. The daemon logs the loss, retries with backoff, marks the cut-off run 'interrupted' and finishes the
// month once the database is back; the run by hand ends with one line naming DATABASE_URL.
import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstDayOf, lastFinishedMonth } from '../../src/domain/period.ts';
import { commandArgs } from '../../src/launch-args.ts';
import { runningDaemons } from '../../src/scheduler/daemon-presence.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';
import { type OwnPostgres, ownPostgres } from '../support/own-postgres.ts';
import { runCli } from '../support/run-cli.ts';
import { invoicesAreWhole } from './support.ts';

const CUSTOMERS = 150;
const month = lastFinishedMonth(new Date());

let pg: OwnPostgres;
let outDir: string;
/** Daemons this file started: a failed test must not leave one running. */
const started: ChildProcess[] = [];

interface Daemon {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startDaemon(): Daemon {
  const child = spawn(process.execPath, commandArgs('start'), {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: pg.url,
      TAGIH_OUT: outDir,
      TAGIH_LOG_FORMAT: 'json',
      TAGIH_DATABASE_CHECK_SECONDS: '1',
      TAGIH_DATABASE_RETRY_MAX_SECONDS: '2',
      TAGIH_CRON_ROLLUP: 'off',
      TAGIH_CRON_SETTLE: 'off',
      TAGIH_CRON_QUOTA: 'off',
      TAGIH_CRON_REMINDERS: 'off',
      TAGIH_CRON_MAIL: 'off',
      TAGIH_REVIEW_BEFORE_SENDING_SCHEDULER: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

/** Waits for a condition with no clock of its own (the test's timeout guards a hang); fails if the daemon ended. */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, daemon?: Daemon) {
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (daemon && daemon.child.exitCode !== null) {
      throw new Error(`the daemon ended before ${what}:\n${daemon.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const invoiceRuns = () =>
  pg.db.selectFrom('job_runs').selectAll().where('job', '=', 'invoice').orderBy('id').execute();
const invoiceCount = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from invoices`.execute(pg.db)).rows[0]!.n;

beforeAll(async () => {
  pg = await ownPostgres();
  outDir = await tempDir('tagih-outage-');
  const codes = Array.from({ length: CUSTOMERS }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
  await addCustomers(pg.db, codes);
  for (const code of codes) {
    await insertMessages(pg.db, { customer: code, count: 3, from: `${firstDayOf(month)}T09:00:00+07:00` });
  }
}, 300_000);
afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await pg?.close();
});

describe('PostgreSQL restarts', { timeout: 600_000 }, () => {
  it('under an invoice run by hand: one line naming DATABASE_URL, exit 1; the run is not left for good', async () => {
    const run = runCli('invoice', ['--month', month, '--no-email'], {
      DATABASE_URL: pg.url,
      TAGIH_OUT: outDir,
    });
    await until('the first invoice by hand', async () => (await invoiceCount()) > 0);
    await pg.stop();
    const result = await run;
    await pg.start();
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^The database DATABASE_URL=postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/tagih /,
    );
    expect(result.stderr).not.toMatch(/ECONNREFUSED|\n\s+at |tagih-embedded/);
    // The run's row is still 'running' (its process could not write the end); the daemon's start says so below.
    expect((await invoiceRuns()).at(-1)).toMatchObject({ trigger: 'manual', outcome: 'running' });
    expect((await invoicesAreWhole(pg.db)).problems).toEqual([]);
  });

  it('under the daemon: its invoice run cut off is marked interrupted, and the month is finished once it is back', async () => {
    const before = (await invoiceRuns()).length;
    const daemon = startDaemon();
    await until(
      'the cut-off run by hand to be reported',
      async () => daemon.output().includes('marked interrupted'),
      daemon,
    );
    await until(
      "the daemon's invoice run to start",
      async () => (await invoiceRuns()).slice(before).some((r) => r.outcome === 'running'),
      daemon,
    );
    await pg.stop();
    await until('the loss to be logged', async () => daemon.output().includes('database lost'), daemon);
    await new Promise((r) => setTimeout(r, 2500)); // a retry or two fail while it is down
    await pg.start();
    await until(
      'the database to be back',
      async () => daemon.output().includes('database back after'),
      daemon,
    );
    const done = await until(
      'the month to be finished',
      async () => (await invoiceRuns()).slice(before).find((r) => r.outcome === 'ok'),
      daemon,
    );
    expect(done.counts).toMatchObject({ month });
    expect(await invoicesAreWhole(pg.db)).toEqual({ count: CUSTOMERS, problems: [] });
    const runs = await invoiceRuns();
    expect(runs.filter((r) => r.outcome === 'running')).toEqual([]);
    // The run by hand, and the daemon's run cut off by the restart, are both recorded as interrupted.
    expect(runs.filter((r) => r.outcome === 'interrupted').length).toBeGreaterThanOrEqual(2);
    expect(runs.find((r) => r.trigger === 'manual')).toMatchObject({ outcome: 'interrupted' });
    expect(daemon.output()).toMatch(
      /database still unreachable: it refused the connection .*; next try in 2 s/,
    );
    // Its presence was registered again on a new connection.
    expect(await runningDaemons(pg.db)).toBe(1);

    // Idle now: a second restart is noticed by the heartbeat, and the daemon carries on.
    const losses = daemon.output().split('database lost').length;
    await pg.stop();
    await until(
      'the idle daemon to notice',
      async () => daemon.output().split('database lost').length > losses,
      daemon,
    );
    await pg.start();
    await until(
      'the second return',
      async () => daemon.output().split('database back after').length > 2,
      daemon,
    );
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code, daemon.output()).toBe(0);
    expect(daemon.output()).not.toMatch(/\n\s+at /);
  });
});
