// Issue 17: the demo shows the review step instead of hiding it, and leaves nothing that surprises `npm start`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
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
/** The first run's out folder: the later tests look at its files and run the demo again into it. */
let out: string;
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
    out = await tempDir('tagih-demo-');
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

  it('R15: three prepaid customers at three tiers, one forfeited for inactivity, statements of the month', async () => {
    const accounts = await t.db
      .selectFrom('customers as c')
      .innerJoin('prepaid_accounts as a', 'a.customer_id', 'c.id')
      .innerJoin('prepaid_balances as b', 'b.customer_id', 'c.id')
      .select(['c.code', 'a.price_per_part', 'b.balance'])
      .orderBy('c.code')
      .execute();
    expect(accounts.map((a) => [a.code, a.price_per_part])).toEqual([
      ['KSPMAJU', 320],
      ['SANGGAR', 350],
      ['WARUNGKU', 340],
    ]);
    // The two that send were charged by the ingest; SANGGAR never sent and lost its balance.
    const charged = await t.db
      .selectFrom('prepaid_charges as p')
      .innerJoin('customers as c', 'c.id', 'p.customer_id')
      .select('c.code')
      .select(sql<number>`sum(p.charged)::bigint`.as('charged'))
      .groupBy('c.code')
      .orderBy('c.code')
      .execute();
    expect(charged.map((c) => c.code)).toEqual(['KSPMAJU', 'WARUNGKU']);
    for (const c of charged) expect(c.charged).toBeGreaterThan(0);
    expect(accounts.find((a) => a.code === 'SANGGAR')!.balance).toBe(0);
    const forfeits = await t.db
      .selectFrom('prepaid_ledger as l')
      .innerJoin('customers as c', 'c.id', 'l.customer_id')
      .select(['c.code', 'l.entry_date', 'l.amount', 'l.ref'])
      .where('l.kind', '=', 'forfeit')
      .execute();
    expect(forfeits).toEqual([
      { code: 'SANGGAR', entry_date: '2026-10-10', amount: -250_000, ref: 'inactivity' },
    ]);
    const warned = await t.db.selectFrom('prepaid_warnings').select(['forfeit_on', 'days_before']).execute();
    expect(warned).toEqual([{ forfeit_on: '2026-10-10', days_before: 30 }]);
    const statements = await t.db
      .selectFrom('mail_outbox as m')
      .innerJoin('customers as c', 'c.id', 'm.customer_id')
      .select(['c.code', 'm.status', sql<string>`m.payload->>'month'`.as('month')])
      .where('m.kind', '=', 'prepaid_statement')
      .orderBy('c.code')
      .execute();
    expect(statements.filter((s) => s.month === '2026-10').map((s) => [s.code, s.status])).toEqual([
      ['KSPMAJU', 'sent'],
      ['SANGGAR', 'sent'],
      ['WARUNGKU', 'sent'],
    ]);
    for (const s of statements) {
      const file = path.join(out, 'prepaid', s.code, `LAPORAN-SALDO-${s.month}.pdf`);
      expect(existsSync(file), file).toBe(true);
    }
  });

  it('running it again changes nothing', async () => {
    const counts = async () => {
      const n = (table: 'messages' | 'invoices' | 'prepaid_ledger' | 'prepaid_topups' | 'mail_outbox') =>
        t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
      return Promise.all(
        (['messages', 'invoices', 'prepaid_ledger', 'prepaid_topups', 'mail_outbox'] as const).map(n),
      );
    };
    const before = await counts();
    const result = await demo([], {
      DATABASE_URL: t.url,
      TAGIH_OUT: out,
      DEMO_MESSAGES: '2000',
      DEMO_MONTH: '2026-10',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('0 top-ups recorded now');
    expect(await counts()).toEqual(before);
  });
});
