// The real daemon in a child process (src/cli/start.ts started as npm start starts it, on the test database), stopped
// by signals in the middle of an invoice run: no partial invoice is left, numbers stay gapless, and the next start
// completes the month.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstDayOf, lastFinishedMonth } from '../../src/domain/period.ts';
import { commandArgs } from '../../src/launch-args.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';
import { invoicesAreWhole } from './support.ts';

const CUSTOMERS = 120;

let t: TestDatabase;
let outDir: string;
// The month the daemon invoices when it starts now (the real clock): the one just ended.
const month = lastFinishedMonth(new Date());

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
      DATABASE_URL: t.url,
      TAGIH_OUT: outDir,
      TAGIH_LOG_FORMAT: 'json',
      // Only the invoice job: it never ran on this database, so the daemon runs it at once (catch-up).
      TAGIH_CRON_ROLLUP: 'off',
      TAGIH_CRON_SETTLE: 'off',
      TAGIH_CRON_QUOTA: 'off',
      TAGIH_CRON_REMINDERS: 'off',
      TAGIH_CRON_MAIL: 'off',
      TAGIH_REVIEW_BEFORE_SENDING_SCHEDULER: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

/**
 * Waits for a condition with no deadline of its own: a loaded machine is slow, not wrong. A daemon that ended
 * first fails the wait at once; the test's timeout only guards against a hang.
 */
async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  daemon?: Daemon,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (daemon && daemon.child.exitCode !== null)
      throw new Error(`the daemon ended before ${what}:\n${daemon.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function invoiceRuns() {
  return t.db.selectFrom('job_runs').selectAll().where('job', '=', 'invoice').orderBy('id').execute();
}

async function invoiceCount(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from invoices`.execute(t.db);
  return r.rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestDatabase();
  outDir = await tempDir('tagih-daemon-');
  const codes = Array.from({ length: CUSTOMERS }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
  await addCustomers(t.db, codes);
  for (const code of codes) {
    await insertMessages(t.db, { customer: code, count: 3, from: `${firstDayOf(month)}T09:00:00+07:00` });
  }
});
afterAll(async () => {
  await t.close();
});

describe('graceful shutdown of the daemon', { timeout: 600_000 }, () => {
  it('SIGTERM in the middle of the invoice run: stops between two invoices, nothing partial', async () => {
    const daemon = startDaemon();
    await until(
      'the invoice run to start',
      async () => (await invoiceRuns()).some((r) => r.outcome === 'running'),
      daemon,
    );
    await until('the first invoice', async () => (await invoiceCount()) > 0, daemon);
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit, daemon.output()).toEqual({ code: 0, signal: null });

    const runs = await invoiceRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'catch-up', outcome: 'interrupted' });
    expect(runs[0]!.error).toMatch(/^interrupted by shutdown during (issue|documents) \(\d+ of \d+ done\)/);
    const whole = await invoicesAreWhole(t.db);
    expect(whole.problems).toEqual([]);
    expect(whole.count).toBeGreaterThan(0);
    expect(daemon.output()).toContain('SIGTERM received: stopping after the current unit of work');
    expect(daemon.output()).toContain('"msg":"stopped"');
    // No connection of the daemon is left, so no advisory lock either (in this test's database: the server is
    // shared with the other test files, whose workers hold locks of their own).
    const locks = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks
      where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(
      t.db,
    );
    expect(locks.rows[0]!.n).toBe(0);
  });

  it('a second signal exits at once, even while the run waits for a lock', async () => {
    // A clerk's invoice run by hand holds the month: the daemon's run waits for it and cannot stop by itself.
    const clerk = await t.pool.connect();
    await clerk.query('select pg_advisory_lock(hashtext($1))', [`tagih:invoice:${month}`]);
    try {
      const before = await invoiceCount();
      const daemon = startDaemon();
      await until(
        'the run to wait for the lock',
        async () => daemon.output().includes('waiting for it'),
        daemon,
      );
      daemon.child.kill('SIGTERM');
      await until(
        'the first signal to be taken',
        async () => daemon.output().includes('SIGTERM received'),
        daemon,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(daemon.child.exitCode).toBeNull();
      daemon.child.kill('SIGTERM');
      const exit = await daemon.exited;
      expect(exit.code, daemon.output()).toBe(143);
      expect(daemon.output()).toContain('second SIGTERM: exiting now');
      expect(await invoiceCount()).toBe(before);
      expect((await invoiceRuns()).at(-1)!.outcome).toBe('running');
    } finally {
      await clerk.query('select pg_advisory_unlock_all()');
      clerk.release();
    }
    expect((await invoicesAreWhole(t.db)).problems).toEqual([]);
  });

  it('the next start marks the cut-off run interrupted and completes the month', async () => {
    const daemon = startDaemon();
    const done = await until(
      'the invoice run to finish',
      async () => (await invoiceRuns()).find((r, i) => i >= 2 && r.outcome !== 'running'),
      daemon,
    );
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code, daemon.output()).toBe(0);

    expect(done, daemon.output()).toMatchObject({ outcome: 'ok', trigger: 'catch-up' });
    expect(done.counts).toMatchObject({ month, issued: expect.any(Number), mail: 'held for review' });
    const runs = await invoiceRuns();
    // The run ended by the second signal was left 'running'; this start marked it interrupted, and said so.
    expect(runs[1]!.outcome).toBe('interrupted');
    expect(runs[1]!.error).toMatch(/^interrupted: the process running it ended/);
    expect(daemon.output()).toMatch(new RegExp(`run ${runs[1]!.id} of invoice .* marked interrupted`));

    expect(await invoicesAreWhole(t.db)).toEqual({ count: CUSTOMERS, problems: [] });
    const register = await readFile(path.join(outDir, month, 'register.csv'), 'utf8');
    const [header, ...rows] = register.trim().split('\n');
    const pdfColumn = header!.split(',').indexOf('pdf');
    expect(rows).toHaveLength(CUSTOMERS);
    for (const row of rows) {
      const pdf = row.split(',')[pdfColumn]!;
      expect(existsSync(path.join(outDir, month, pdf)), pdf).toBe(true);
    }
    expect(daemon.output()).toMatch(/catch-up: invoice \(never ran\) runs now for/);
  });
});
