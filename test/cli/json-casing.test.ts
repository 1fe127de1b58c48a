import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snakeJson, snakeKey } from '../../src/cli/json-output.ts';
import { loadConfig } from '../../src/config.ts';
import { prepareReviewMonth } from '../review/review-data.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

// Issue 17: one casing for every --json output, snake_case like the files; converted in printJson, once.

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;
let alfaOctober: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-json-');
  const outDir = path.join(dir, 'out');
  env = { DATABASE_URL: t.url, TAGIH_OUT: outDir, SMTP_URL: '' };
  const config = { ...loadConfig({}), outDir, smtpUrl: null };
  await prepareReviewMonth({ db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} }, config);
  const alfa = await t.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select('i.number')
    .where('c.code', '=', 'ALFA')
    .where('i.period', '=', '2026-10-01')
    .executeTakeFirstOrThrow();
  alfaOctober = alfa.number;
}, 240_000);

afterAll(async () => {
  await t?.close();
});

/** Every key at every depth of a parsed JSON value. */
function keysOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.push(k);
      keysOf(v, into);
    }
  }
  return into;
}

describe('snake_case keys', () => {
  it.each([
    ['sellerIsDemo', 'seller_is_demo'],
    ['alreadyIssued', 'already_issued'],
    ['pdfURL', 'pdf_url'],
    ['customer_code', 'customer_code'],
    ['2026-10', '2026-10'],
    ['ALFA', 'ALFA'],
  ])('%s → %s', (key, expected) => {
    expect(snakeKey(key)).toBe(expected);
  });

  it('converts nested objects and arrays, leaves values and dates alone', () => {
    const text = snakeJson({
      linesRead: 2,
      files: [{ fileName: 'linesRead' }],
      at: new Date('2026-10-01T00:00:00Z'),
    });
    expect(JSON.parse(text)).toEqual({
      lines_read: 2,
      files: [{ file_name: 'linesRead' }],
      at: '2026-10-01T00:00:00.000Z',
    });
  });
});

describe('issue 17: every command with --json prints snake_case keys only', { timeout: 600_000 }, () => {
  it('runs each command and finds no key with an upper-case letter', async () => {
    const gateway = path.join(dir, 'gateway.jsonl');
    await writeFile(
      gateway,
      `${sendLine({ customer: 'ALFA', sendingid: 900001, sent_at: '2026-11-05T10:00:00+07:00' })}\n{"broken"\n`,
    );
    const customers = path.join(dir, 'customers.csv');
    await writeFile(customers, 'code,name,email,deposit\nIMPOR,PT Impor,impor@example.id,10000000\n');
    const bank = path.join(dir, 'mutasi.csv');
    await writeFile(bank, `Tanggal,Keterangan,Jumlah\n14/11/2026,${alfaOctober},1000\n`);
    const faktur = path.join(dir, 'faktur.csv');
    await writeFile(
      faktur,
      `reference,tax_invoice_number,date\n${alfaOctober},04002600000000001,2026-11-01\n`,
    );
    const commands: [string, string[]][] = [
      ['migrate', []],
      ['customers', ['list']],
      [
        'customers',
        ['add', '--code', 'BARU', '--name', 'PT Baru', '--email', 'baru@example.id', '--deposit', '10000000'],
      ],
      ['customers', ['import', customers]],
      ['ingest', [gateway]],
      ['rollup', []],
      ['quota', ['--as-of', '2026-11-20']],
      ['invoice', ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email']],
      ['mail', ['send']],
      ['mail', ['list']],
      ['mail', ['retry', '--all-failed']],
      ['deposits', ['add', '--customer', 'ALFA', '--amount', '1000000', '--date', '2026-11-10']],
      ['deposits', ['list']],
      [
        'payments',
        ['record', '--invoice', alfaOctober, '--amount', '1000', '--date', '2026-11-12', '--ref', 'BCA 1'],
      ],
      ['payments', ['import', bank]],
      ['payments', ['list']],
      ['settle', ['--as-of', '2026-11-30']],
      ['accounts', ['status']],
      ['accounts', ['set-quota', '--customer', 'BETA', '--amount', '30000000']],
      ['accounts', ['close', '--customer', 'HANA', '--date', '2026-11-20']],
      ['refunds', ['list']],
      ['refunds', ['mark-paid', '--customer', 'HANA', '--date', '2026-11-25', '--ref', 'BCA 9']],
      ['efaktur', ['check', '--month', '2026-10']],
      ['efaktur', ['export', '--month', '2026-10']],
      ['efaktur', ['import-numbers', faktur]],
      ['status', []],
      ['review', ['users', 'list']],
    ];
    const offenders: string[] = [];
    for (const [script, args] of commands) {
      const r = await runCli(script, [...args, '--json'], env);
      const name = `${script} ${args.filter((a) => !a.startsWith('/')).join(' ')}`;
      // 0, or 2 where the command reports rows it refused; never a failure.
      expect([0, 2], `${name}: ${r.stderr}`).toContain(r.code);
      const keys = keysOf(JSON.parse(r.stdout));
      for (const key of keys.filter((k) => /[A-Z]/.test(k))) offenders.push(`${name}: ${key}`);
    }
    expect(offenders).toEqual([]);
  });
});
