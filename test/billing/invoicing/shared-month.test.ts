// Issue 16: the month close shared by workers (`npm run invoice -- --workers N`, `--join`), on real PostgreSQL and
// real worker processes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSharedInvoiceMonth } from '../../../src/billing/invoicing/shared-month.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Db } from '../../../src/db/connect.ts';
import { existingDetail, invoicePathsOf } from '../../../src/documents/invoice-paths.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

const CUSTOMERS = Array.from({ length: 36 }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
const ARGS = ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email', '--json'];
const root = path.resolve(import.meta.dirname, '../../..');

/** The same month on every database: customers of different sizes, so the workers' items take unequal time. */
async function october(db: Db): Promise<void> {
  await addCustomers(db, CUSTOMERS);
  for (const [i, code] of CUSTOMERS.entries()) {
    await insertMessages(db, {
      customer: code,
      count: 40 + ((i * 37) % 300),
      parts: 1 + (i % 3),
      operator: i % 2 ? 'xl' : 'telkomsel',
      from: '2026-10-03T08:00:00+07:00',
    });
  }
}

async function invoicesOf(db: Db) {
  return db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['c.code', 'i.number', 'i.sequence', 'i.subtotal', 'i.tax', 'i.total', 'i.messages', 'i.parts'])
    .orderBy('i.sequence')
    .execute();
}

function expectGapless(invoices: ReadonlyArray<{ sequence: number; code: string }>): void {
  expect(invoices.map((i) => i.sequence)).toEqual(invoices.map((_, k) => k + 1));
  expect(new Set(invoices.map((i) => i.code)).size).toBe(invoices.length);
}

let one: TestDatabase;
let two: TestDatabase;
let killed: TestDatabase;
beforeAll(async () => {
  [one, two, killed] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  await Promise.all([october(one.db), october(two.db), october(killed.db)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([one.close(), two.close(), killed.close()]);
});

describe('R7: a month close shared by workers', () => {
  it.each([
    [['--workers', '0'], /--workers '0' is not a number of workers from 1 to 64/],
    [
      ['--workers', '2', '--customer', 'C001'],
      /--workers shares a whole month close; leave out --dry-run and --customer/,
    ],
  ])('bad --workers use is refused with what to do: %j', async (extra, message) => {
    const r = await runCli('invoice', [...ARGS, ...extra], { DATABASE_URL: two.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--join with no shared close under way does nothing and says how to start one', async () => {
    const r = await runCli('invoice', ['--month', '2026-10', '--join'], { DATABASE_URL: two.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /No shared close of 2026-10 is under way, so there is nothing to join\. Start one with: npm run invoice -- --month 2026-10 --workers N/,
    );
    const issued = await two.db.selectFrom('invoices').select('id').execute();
    expect(issued).toHaveLength(0);
  });

  it('R7: two workers give the same invoices, numbers, amounts and register as one process', async () => {
    const outOne = await tempDir('tagih-one-');
    const outTwo = await tempDir('tagih-two-');
    const a = await runCli('invoice', [...ARGS, '--out', outOne], { DATABASE_URL: one.url });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await runCli('invoice', [...ARGS, '--workers', '2', '--out', outTwo], {
      DATABASE_URL: two.url,
    });
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/worker 1 of 2 for 2026-10: pid \d+/);
    expect(b.stderr).toMatch(/worker 2 of 2 for 2026-10: pid \d+/);

    const single = await invoicesOf(one.db);
    expect(single).toHaveLength(CUSTOMERS.length);
    expect(await invoicesOf(two.db)).toEqual(single);
    expectGapless(single);
    const summary = JSON.parse(b.stdout) as { issued: unknown[]; totals: { total: number } };
    expect(summary.issued).toHaveLength(CUSTOMERS.length);
    expect(summary.totals.total).toBe(single.reduce((s, i) => s + i.total, 0));
    // R14: the register is written once, at the end, and is the same file; every invoice has its two documents.
    const register = (out: string) => readFile(path.join(out, '2026-10', 'register.csv'), 'utf8');
    expect(await register(outTwo)).toBe(await register(outOne));
    const items = await two.db.selectFrom('invoice_work_items').select(['status', 'worker']).execute();
    expect(items.map((i) => i.status)).toEqual(CUSTOMERS.map(() => 'done'));
    // Both workers took part.
    expect(new Set(items.map((i) => i.worker)).size).toBeGreaterThanOrEqual(2);

    // Rerunning the month changes nothing.
    const again = await runCli('invoice', [...ARGS, '--workers', '2', '--out', outTwo], {
      DATABASE_URL: two.url,
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).issued).toHaveLength(0);
    expect(await invoicesOf(two.db)).toEqual(single);
  }, 120_000);

  it('R7: a worker killed mid-run (SIGKILL) has its items taken over: numbers gapless, one invoice each', async () => {
    const out = await tempDir('tagih-killed-');
    const config = { ...loadConfig({}), outDir: out };
    const database = { db: killed.db, pool: killed.pool, safeUrl: 'test', close: async () => {} };
    let victimItems = 0;
    const summary = await runSharedInvoiceMonth(
      database,
      config,
      {
        month: '2026-10',
        issueDate: '2026-11-01',
        dryRun: false,
        actor: 'test',
        holdMail: false,
        now: new Date('2026-11-27T03:00:00Z'),
      },
      async () => {
        const victim = joinWorker(killed.url, out);
        const survivor = joinWorker(killed.url, out);
        // Kill the victim once it has done some of the month, while items are left.
        for (;;) {
          victimItems = await itemsOf(killed.db, victim.pid);
          if (victimItems >= 2) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        victim.kill('SIGKILL');
        const [v, s] = await Promise.all([victim.exited, survivor.exited]);
        expect(v).toBe('SIGKILL');
        expect(s).toBe(0);
      },
    );
    // The survivor finished everything: nothing was left for the run's own finishing pass.
    expect(summary.finisher).toMatchObject({ issued: 0, documents: 0 });
    expect(victimItems).toBeLessThan(CUSTOMERS.length);
    const invoices = await invoicesOf(killed.db);
    expect(invoices.map((i) => i.code).sort()).toEqual(CUSTOMERS);
    expectGapless(invoices);
    const items = await killed.db.selectFrom('invoice_work_items').select('status').execute();
    expect(items.every((i) => i.status === 'done')).toBe(true);
    // R14: every invoice has its PDF and its detail, the victim's included.
    for (const inv of invoices) {
      const paths = invoicePathsOf(out, '2026-10', inv.number, inv.code);
      expect(existsSync(paths.pdf)).toBe(true);
      expect(existingDetail(paths)).not.toBeNull();
    }
    const register = await readFile(path.join(out, '2026-10', 'register.csv'), 'utf8');
    expect(register.trim().split('\n')).toHaveLength(CUSTOMERS.length + 1);
  }, 120_000);
});

/** Items the worker process `pid` has started (issued, or done). */
async function itemsOf(db: Db, pid: number | undefined): Promise<number> {
  const rows = await db
    .selectFrom('invoice_work_items')
    .select('customer_id')
    .where('worker', 'like', `%:${pid}:%`)
    .where('status', '<>', 'pending')
    .execute();
  return rows.length;
}

function joinWorker(url: string, out: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/cli/invoice.ts'), '--month', '2026-10', '--join', '--out', out],
    { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return Object.assign(child, { exited });
}
