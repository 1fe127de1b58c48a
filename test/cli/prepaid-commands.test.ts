import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.ts';
import { wibDateOf } from '../../src/domain/period.ts';
import { addMonths } from '../../src/domain/prepaid.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-prepaid-cli-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out') };
});
afterAll(async () => t.close());

describe('R15: the prepaid commands, run as a finance clerk runs them', () => {
  it('R15: customers import takes a plan column; a prepaid row needs no deposit', async () => {
    const file = path.join(dir, 'customers.csv');
    await writeFile(
      file,
      'code,name,email,deposit,plan\nPOST,PT Pasca,a@pasca.id,10000000,\nPRE,PT Prabayar,b@pra.id,,prepaid\nBAD,PT Salah,c@salah.id,,weekly\n',
    );
    const r = await runCli('customers', ['import', file], env);
    expect(r.stdout).toContain('2 added');
    expect(r.stdout).toContain("plan 'weekly' must be postpaid or prepaid");
    const added = await runCli(
      'customers',
      ['add', '--code', 'PRE2', '--name', 'PT Dua', '--email', 'd@dua.id', '--plan', 'prepaid'],
      env,
    );
    expect(added.stdout).toContain('Added PRE2.');
  });

  it('R15: topups add refuses 99.999 and a postpaid account, records 100.000 with its receipt PDF; list shows it', async () => {
    const low = await runCli(
      'topups',
      ['add', '--customer', 'PRE', '--amount', '99999', '--date', '2026-11-02'],
      env,
    );
    expect(low.code).not.toBe(0);
    expect(low.stderr).toContain('under the minimum');
    expect(low.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const post = await runCli('topups', ['add', '--customer', 'POST', '--amount', '500000'], env);
    expect(post.stderr).toContain('postpaid account');
    const ok = await runCli(
      'topups',
      ['add', '--customer', 'PRE', '--amount', '100000', '--date', '2026-11-02', '--json'],
      env,
    );
    expect(ok.code).toBe(0);
    const topup = JSON.parse(ok.stdout);
    expect(topup).toMatchObject({
      amount: 100_000,
      tax: 11_000,
      total: 111_000,
      price_per_part: 350,
      expires_on: '2027-11-02',
    });
    expect(existsSync(topup.pdf)).toBe(true);
    const list = await runCli('topups', ['list'], env);
    expect(list.stdout).toContain(topup.receipt_number);
  });

  it('R15: topups import reads the bank mutation CSV: the transfer less PPN is the top-up; a second import records nothing', async () => {
    const file = path.join(dir, 'mutasi.csv');
    await writeFile(
      file,
      'tanggal,keterangan,jumlah\n03/11/2026,TOPUP PRE2 via BCA,555000\n03/11/2026,INV/2026/11/00001,100\n',
    );
    const first = await runCli('topups', ['import', file, '--json'], env);
    const rows = JSON.parse(first.stdout);
    expect(rows.map((r: { outcome: string }) => r.outcome)).toEqual(['recorded', 'skipped']);
    const again = await runCli('topups', ['import', file, '--json'], env);
    expect(JSON.parse(again.stdout)[0].outcome).toBe('duplicate');
  });

  it('R15: customers list shows plan, balance and expiry; status lists a prepaid account at zero', async () => {
    const list = JSON.parse((await runCli('customers', ['list', '--json'], env)).stdout);
    expect(list.find((c: { code: string }) => c.code === 'PRE')).toMatchObject({
      plan: 'prepaid',
      prepaid_balance: 100_000,
      expires_on: '2027-11-02',
    });
    await runCli(
      'customers',
      ['add', '--code', 'NIL', '--name', 'PT Nol', '--email', 'n@nol.id', '--plan', 'prepaid'],
      env,
    );
    const status = JSON.parse((await runCli('status', ['--json'], env)).stdout);
    expect(status.prepaid.map((p: { customer_code: string }) => p.customer_code)).toContain('NIL');
    expect(status.prepaid.map((p: { customer_code: string }) => p.customer_code)).not.toContain('PRE');
  });

  it('R15: status lists a prepaid account that forfeits within 30 days, with the day and the cause', async () => {
    const today = wibDateOf(new Date());
    // Topped up 6 months less 10 days ago and never sent: dormant, forfeited in 10 days.
    const topup = addDays(addMonths(today, -6), 10);
    await runCli(
      'customers',
      ['add', '--code', 'SOON', '--name', 'PT Segera', '--email', 's@segera.id', '--plan', 'prepaid'],
      env,
    );
    const added = await runCli(
      'topups',
      ['add', '--customer', 'SOON', '--amount', '150000', '--date', topup],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const status = JSON.parse((await runCli('status', ['--json'], env)).stdout);
    expect(status.prepaid.find((p: { customer_code: string }) => p.customer_code === 'SOON')).toMatchObject({
      balance: 150_000,
      forfeit_on: addMonths(topup, 6),
      forfeit_cause: 'inactivity',
    });
    const text = (await runCli('status', [], env)).stdout;
    expect(text).toContain(`SOON: Rp 150.000, forfeits ${addMonths(topup, 6)} (inactivity)`);
    const list = (await runCli('customers', ['list'], env)).stdout;
    expect(list).toMatch(new RegExp(`SOON .*prepaid +Rp 150\\.000 +${addMonths(topup, 12)}`));
  });

  it('R15: closing a prepaid account asks to confirm the forfeiture, then forfeits the balance', async () => {
    const asked = await runCli('accounts', ['close', '--customer', 'PRE', '--date', '2026-11-20'], env);
    expect(asked.code).not.toBe(0);
    expect(asked.stderr).toContain('forfeits its prepaid balance of Rp');
    const closed = await runCli(
      'accounts',
      ['close', '--customer', 'PRE', '--date', '2026-11-20', '--forfeit-balance', '--json'],
      env,
    );
    expect(JSON.parse(closed.stdout)).toEqual({
      customer_code: 'PRE',
      closing_date: '2026-11-20',
      forfeited: 100_000,
    });
  });
});
