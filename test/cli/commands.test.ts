import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { reportLine, sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-cli-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out') };
});
afterAll(async () => {
  await t.close();
});

describe('the commands a finance clerk runs', () => {
  it('npm run migrate is safe to repeat', async () => {
    const r = await runCli('migrate', [], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/up to date \(\d+ migrations\)/);
    expect(r.stdout).not.toContain(t.url.split('@')[0]!.split(':').pop()!); // no password in output
  });

  it('customers import: bad rows are reported by row number, good rows load, a second import changes nothing', async () => {
    const file = path.join(dir, 'customers.csv');
    await writeFile(
      file,
      [
        'code,name,email,deposit,address,npwp,paper_invoice',
        'ACME,PT Acme Indonesia,billing@acme.example.id;ap@acme.example.id,10000000,"Jl. Merdeka 1, Jakarta",01.111.111.1-111.000,no',
        ',Tanpa Kode,x@example.id,10000000,,,',
        'LOW,PT Kecil,low@example.id,5.000.000,,,',
        'BADMAIL,PT Surel,not-an-email,10000000,,,',
        'ACME,PT Acme Lain,billing@acme.example.id,10000000,,,',
        'PAPER,PT Kertas,p@example.id,Rp 20.000.000,Jl. Pos 2,,yes',
      ].join('\n'),
    );
    const first = await runCli('customers', ['import', file], env);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('6 rows, 2 added, 0 unchanged, 4 rejected');
    expect(first.stdout).toMatch(/row 3: code is missing/);
    expect(first.stdout).toMatch(
      /row 4 \(LOW\): deposit Rp 5\.000\.000 is below the minimum guarantee deposit of Rp 10\.000\.000/,
    );
    expect(first.stdout).toMatch(/row 5 \(BADMAIL\): email 'not-an-email' is not an email address/);
    expect(first.stdout).toMatch(
      /row 6 \(ACME\): code ACME is already on row 2 with a different name, email, address, npwp/,
    );
    const again = await runCli('customers', ['import', file, '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 6, added: 0, unchanged: 2 });
    const list = JSON.parse((await runCli('customers', ['list', '--json'], env)).stdout);
    expect(list.map((c: { code: string; deposit_balance: number }) => [c.code, c.deposit_balance])).toEqual([
      ['ACME', 10_000_000],
      ['PAPER', 20_000_000],
    ]);
  });

  it('ingest prints the totals and the rejected lines, exit 2; a missing file is refused, exit 1', async () => {
    const file = path.join(dir, 'gateway.jsonl');
    await writeFile(
      file,
      [
        sendLine({ customer: 'ACME', sendingid: 1, sent_at: '2026-10-05T10:11:12+07:00' }),
        sendLine({
          customer: 'ACME',
          sendingid: 2,
          sent_at: '2026-10-06T10:11:12+07:00',
          message: 'Kode OTP Anda 777777',
        }),
        reportLine(1, 3),
        '{"customer": oops',
        sendLine({
          customer: 'PAPER',
          sendingid: 3,
          sent_at: '2026-10-07T10:11:12Z',
          number: '+62 896-1234-5678',
        }),
      ].join('\n'),
    );
    const r = await runCli('ingest', [file], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/lines read: +5/);
    expect(r.stdout).toMatch(/messages loaded: +3/);
    expect(r.stdout).toMatch(/reports applied: +1/);
    expect(r.stdout).toMatch(/rejected lines: +1/);
    expect(r.stdout).toContain(`${file}:4: not valid JSON`);
    expect(r.stdout + r.stderr).not.toMatch(/Kode OTP Anda/);
    const json = JSON.parse((await runCli('ingest', [file, '--json'], env)).stdout);
    expect(json).toMatchObject({ lines_read: 5, messages_loaded: 0, duplicates: 3, rejected: 1 });
    const missing = await runCli('ingest', [path.join(dir, 'nope.jsonl')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such file: .*nope\.jsonl\. Nothing was loaded\./);
  });

  it.each([
    [['--month', '2026-1'], /'2026-1' is not a month; expected YYYY-MM/],
    [['--month', '2099-01'], /2099-01 is not over yet; it can be invoiced from 2099-02-01/],
    [['--month', '2026-10', '--issue-date', '2026-10-15'], /earliest issue date for 2026-10 is 2026-11-01/],
    [['--month', '2026-10', '--issue-date', '15/11/2026'], /not a date; expected YYYY-MM-DD/],
  ])('invoice refuses %j with what to do, exit 1', async (args, message) => {
    const r = await runCli('invoice', args, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('invoice issues the month, writes the register, PDFs and details, and a rerun says already issued', async () => {
    const r = await runCli(
      'invoice',
      ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email'],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/issued: 2/);
    const folder = path.join(dir, 'out', '2026-10');
    const register = await readFile(path.join(folder, 'register.csv'), 'utf8');
    const [header, ...rows] = register.trim().split('\n');
    const columns = header!.split(',');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const cells = row.split(',');
      expect(existsSync(path.join(folder, cells[columns.indexOf('pdf')]!))).toBe(true);
      expect(existsSync(path.join(folder, cells[columns.indexOf('detail_csv')]!))).toBe(true);
    }
    expect(existsSync(path.join(folder, 'print-pack.pdf'))).toBe(true);
    const again = await runCli(
      'invoice',
      ['--month', '2026-10', '--issue-date', '2026-11-01', '--json'],
      env,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ issued: [], already_issued: [{}, {}] });
  });
});
