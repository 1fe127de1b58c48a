// Issue 17: the demo shows the review step instead of hiding it, and leaves nothing that surprises `npm start`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function demo(args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/demo.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

describe('npm run demo', { timeout: 600_000 }, () => {
  it('--help prints the help and runs nothing', async () => {
    const result = await demo(['--help'], { DATABASE_URL: t.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: demo \[options\]/);
    expect(result.stdout).toContain('waiting for review');
    expect(result.stdout).not.toContain('tagih demo on');
    const customers = await t.db.selectFrom('customers').select('id').execute();
    expect(customers).toEqual([]);
  });

  it("R8, R11: the month's mail waits for review, the month before is paid, and it says how to approve", async () => {
    const out = await tempDir('tagih-demo-');
    const result = await demo([], {
      DATABASE_URL: t.url,
      TAGIH_OUT: out,
      DEMO_MESSAGES: '2000',
      DEMO_MONTH: '2026-10',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('npm run review -- --month 2026-10');
    expect(result.stdout).toMatch(/Approve/);

    const october = await t.db
      .selectFrom('invoices')
      .leftJoin('mail_outbox', 'mail_outbox.invoice_id', 'invoices.id')
      .select(['invoices.review_state', 'mail_outbox.status'])
      .where('invoices.period', '=', '2026-10-01')
      .execute();
    expect(october.length).toBeGreaterThan(0);
    for (const row of october) expect(row).toEqual({ review_state: 'awaiting_review', status: 'held' });

    // Nothing is left for the daemon to settle from deposits or to remind about.
    const open = await t.db
      .selectFrom('invoices')
      .select('number')
      .where('period', '<', '2026-10-01')
      .where('status', 'in', ['issued', 'partially_paid'])
      .execute();
    expect(open).toEqual([]);
    const september = await t.db
      .selectFrom('invoices')
      .select('status')
      .where('period', '=', '2026-09-01')
      .execute();
    expect(september.length).toBeGreaterThan(0);
    expect(new Set(september.map((i) => i.status))).toEqual(new Set(['paid']));
    const unsent = await t.db
      .selectFrom('mail_outbox')
      .select(['kind', 'status'])
      .where('status', '=', 'pending')
      .execute();
    expect(unsent).toEqual([]);
  });
});
