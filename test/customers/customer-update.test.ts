import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePathsOf } from '../../src/documents/invoice-paths.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { customerId, insertMessages, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;

async function pdfText(file: string): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(await readFile(file)) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

async function customer(code: string) {
  return t.db.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

async function history(code: string) {
  return t.db
    .selectFrom('customer_changes')
    .select(['field', 'old_value', 'new_value', 'actor', 'source', 'changed_at'])
    .where('customer_id', '=', await customerId(t.db, code))
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-customer-update-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out'), TAGIH_OPERATOR: 'Sari (finance)' };
  const add = await runCli(
    'customers',
    [
      'add',
      '--code',
      'ACME',
      '--name',
      'PT Acme Indonesia',
      '--email',
      'billing@acme.example.id',
      '--deposit',
      '10000000',
      '--address',
      'Jl. Merdeka 1, Jakarta',
      '--npwp',
      '01.111.111.1-111.000',
    ],
    env,
  );
  expect(add.stdout).toContain('Added ACME.');
});
afterAll(async () => {
  await t.close();
});

describe('customers update', () => {
  it.each([
    [['NOPE', '--address', 'x'], /No customer with code 'NOPE'\. See 'npm run customers -- list'\./],
    [['ACME'], /Nothing to change for ACME: give at least one of --name, --email, --address/],
    [
      ['ACME', '--npwp', '12345'],
      /ACME not changed: NPWP '12345' is not an NPWP; expected 16 digits \(e\.g\. 0012345678012000\) or the old 15-digit form/,
    ],
    [
      ['ACME', '--buyer-document', 'NIK', '--buyer-document-number', '31740123'],
      /NIK '31740123' is not a NIK; expected the 16 digits of the KTP/,
    ],
    [['ACME', '--nitku', '12345'], /NITKU '12345' is not a NITKU; expected 22 digits/],
    [
      ['ACME', '--nitku', '9999999999999999000000'],
      /NITKU 9999999999999999000000 does not begin with the NPWP 0011111111111000/,
    ],
    [
      ['ACME', '--country', 'SGP'],
      /a buyer identified by NPWP is in Indonesia: country must be IDN, not SGP/,
    ],
    [
      ['ACME', '--buyer-document', 'KTP'],
      /document type 'KTP' is not known; expected TIN, NIK, passport or other/,
    ],
    [
      ['ACME', '--email', 'not-an-email'],
      /email 'not-an-email' is not an email address; expected name@domain\.tld, e\.g\. billing@acme\.co\.id/,
    ],
    [
      ['ACME', '--email', 'billing@acme.example.id\r\nBcc: all@evil.example'],
      /email "billing@acme\.example\.id\\r\\nBcc: all@evil\.example" holds a line break or another control character, which would break the mail header/,
    ],
    [['ACME', '--email', 'a@acme.example.id\u001b[2J'], /holds a line break or another control character/],
    [['ACME', '--paper-invoice', 'maybe'], /paper_invoice 'maybe' must be yes or no/],
    [['ACME', '--quota-override', 'lots'], /quota_override 'lots' is not a whole rupiah amount/],
    [['ACME', '--name', '  '], /ACME not changed: name is missing\./],
  ])('refuses %j with the form expected, exit 1, and changes nothing', async (args, message) => {
    const before = await customer('ACME');
    const r = await runCli('customers', ['update', ...args], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(await customer('ACME')).toEqual(before);
    expect(await history('ACME')).toEqual([]);
  });

  it('refuses a quota change of a closed customer', async () => {
    await runCli(
      'customers',
      ['add', '--code', 'OLD', '--name', 'PT Lama', '--email', 'a@old.example.id', '--deposit', '10000000'],
      env,
    );
    await t.db
      .updateTable('customers')
      .set({ status: 'closed', closed_on: '2026-11-30' })
      .where('code', '=', 'OLD')
      .execute();
    const r = await runCli('customers', ['update', 'OLD', '--quota-override', '50000000'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('OLD was closed on 2026-11-30; its quota cannot be changed.');
    expect((await customer('OLD')).quota_override).toBeNull();
  });

  it('applies the changes, prints old → new, keeps each in the history with who and when', async () => {
    const started = Date.now();
    const r = await runCli(
      'customers',
      [
        'update',
        'ACME',
        '--address',
        'Jl. Sudirman 5, Jakarta',
        '--email',
        'ap@acme.example.id',
        'tax@acme.example.id',
        '--paper-invoice',
        'yes',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("address: 'Jl. Merdeka 1, Jakarta' → 'Jl. Sudirman 5, Jakarta'");
    expect(r.stdout).toContain(
      "email: 'billing@acme.example.id' → 'ap@acme.example.id; tax@acme.example.id'",
    );
    expect(r.stdout).toContain("paper_invoice: 'no' → 'yes'");
    const c = await customer('ACME');
    expect(c).toMatchObject({
      address: 'Jl. Sudirman 5, Jakarta',
      emails: ['ap@acme.example.id', 'tax@acme.example.id'],
      paper_invoice: true,
      npwp: '01.111.111.1-111.000',
    });
    const rows = await history('ACME');
    expect(rows.map((h) => [h.field, h.old_value, h.new_value, h.actor, h.source])).toEqual([
      [
        'email',
        'billing@acme.example.id',
        'ap@acme.example.id; tax@acme.example.id',
        'Sari (finance)',
        'customers update',
      ],
      ['address', 'Jl. Merdeka 1, Jakarta', 'Jl. Sudirman 5, Jakarta', 'Sari (finance)', 'customers update'],
      ['paper_invoice', 'no', 'yes', 'Sari (finance)', 'customers update'],
    ]);
    for (const h of rows) {
      expect(h.changed_at.getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect(h.changed_at.getTime()).toBeLessThanOrEqual(Date.now());
    }
    const again = await runCli('customers', ['update', 'ACME', '--address', 'Jl. Sudirman 5, Jakarta'], env);
    expect(again.stdout).toContain('ACME unchanged: the values given are already stored.');
    expect(await history('ACME')).toHaveLength(3);
    const shown = await runCli('customers', ['history', 'ACME', '--json'], env);
    expect(JSON.parse(shown.stdout)).toHaveLength(3);
    expect(JSON.parse(shown.stdout)[1]).toMatchObject({ field: 'address', actor: 'Sari (finance)' });
  });

  it('a new NPWP (16 digits) becomes the TIN identity too; the old 15-digit form gets its leading 0', async () => {
    const r = await runCli('customers', ['update', 'ACME', '--npwp', '0022222222222000', '--json'], env);
    expect(r.code).toBe(0);
    const changes = JSON.parse(r.stdout).changes as Array<{ field: string; old: string; new: string }>;
    expect(changes.map((c) => [c.field, c.old, c.new])).toEqual([
      ['npwp', '01.111.111.1-111.000', '0022222222222000'],
      ['buyer_document_number', '0011111111111000', '0022222222222000'],
    ]);
    expect(await customer('ACME')).toMatchObject({
      buyer_document: 'TIN',
      buyer_document_number: '0022222222222000',
    });
    const nik = await runCli(
      'customers',
      ['update', 'ACME', '--buyer-document', 'NIK', '--buyer-document-number', '3174012345670001'],
      env,
    );
    expect(nik.code).toBe(0);
    expect(nik.stdout).toContain("buyer_document: 'TIN' → 'NIK'");
    const nitku = await runCli('customers', ['update', 'ACME', '--nitku', '3174012345670001000001'], env);
    expect(nitku.stdout).toContain("buyer_nitku: (none) → '3174012345670001000001'");
  });

  it('R10: a quota override change checks the quota again at once', async () => {
    const r = await runCli('customers', ['update', 'ACME', '--quota-override', '55000000'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("quota_override: (none) → '55000000'");
    const status = await t.db
      .selectFrom('quota_status')
      .select('quota')
      .where('customer_id', '=', await customerId(t.db, 'ACME'))
      .executeTakeFirstOrThrow();
    expect(status.quota).toBe(55_000_000);
    const cleared = await runCli('customers', ['update', 'ACME', '--quota-override', ''], env);
    expect(cleared.stdout).toContain("quota_override: '55000000' → (none)");
  });
});

describe('customers import --update', () => {
  it('without --update a changed row is refused and says how to apply it; with it, each change old → new', async () => {
    const file = path.join(dir, 'changed.csv');
    await writeFile(
      file,
      [
        'code,name,email,deposit,address',
        'ACME,PT Acme Indonesia Tbk,ap@acme.example.id;tax@acme.example.id,10000000,"Jl. Thamrin 9, Jakarta"',
        'OLD,PT Lama,a@old.example.id,20000000,',
        'NEW,PT Baru,b@new.example.id,10000000,Jl. Baru 1',
        'BAD,PT Surel,"x@bad.example.id\r\nBcc: all@evil.example",10000000,',
      ].join('\n'),
    );
    const plain = await runCli('customers', ['import', file], env);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toMatch(
      /row 2 \(ACME\): customer ACME already exists with a different name, address, .*; nothing was changed \(correct the row, use another code, or import with --update to apply the change\)/,
    );
    const historyBefore = (await history('ACME')).length;

    const r = await runCli('customers', ['import', file, '--update'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${file}: 4 rows, 0 added, 1 updated, 1 unchanged, 2 rejected.`);
    expect(r.stdout).toContain("row 2 (ACME): name: 'PT Acme Indonesia' → 'PT Acme Indonesia Tbk'");
    expect(r.stdout).toContain("row 2 (ACME): address: 'Jl. Sudirman 5, Jakarta' → 'Jl. Thamrin 9, Jakarta'");
    expect(r.stdout).toMatch(
      /row 3 \(OLD\): deposit Rp 20\.000\.000 differs from the opening deposit Rp 10\.000\.000; a deposit is changed with 'npm run deposits -- add', not by import/,
    );
    expect(r.stdout).toMatch(/row 5 \(BAD\): email .* holds a line break or another control character/);
    // Columns the file does not have (npwp, quota_override, …) are left as they were.
    expect(await customer('ACME')).toMatchObject({
      name: 'PT Acme Indonesia Tbk',
      address: 'Jl. Thamrin 9, Jakarta',
      buyer_document: 'NIK',
      npwp: '0022222222222000',
    });
    const rows = (await history('ACME')).slice(historyBefore);
    expect(rows.map((h) => [h.field, h.new_value, h.source])).toEqual([
      ['name', 'PT Acme Indonesia Tbk', `customers import ${file} --update`],
      ['address', 'Jl. Thamrin 9, Jakarta', `customers import ${file} --update`],
    ]);
    const again = JSON.parse((await runCli('customers', ['import', file, '--update', '--json'], env)).stdout);
    expect(again).toMatchObject({ updated: 0, unchanged: 2, changes: [] });
  });
});

describe('R7: an issued invoice keeps the buyer it was issued to', () => {
  it('a re-rendered PDF shows the address of the invoice, not the new one', async () => {
    await runCli(
      'customers',
      [
        'add',
        '--code',
        'SNAP',
        '--name',
        'PT Snap Lama',
        '--email',
        'a@snap.example.id',
        '--deposit',
        '10000000',
        '--address',
        'Jl. Lama 1, Bandung',
      ],
      env,
    );
    await insertMessages(t.db, { customer: 'SNAP', count: 50, from: '2026-10-05T00:00:00+07:00' });
    const issued = await runCli(
      'invoice',
      ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email'],
      env,
    );
    expect(issued.code).toBe(0);
    const inv = await t.db
      .selectFrom('invoices')
      .select(['id', 'number', 'buyer_name', 'buyer_address'])
      .where('customer_id', '=', await customerId(t.db, 'SNAP'))
      .executeTakeFirstOrThrow();
    expect(inv).toMatchObject({ buyer_name: 'PT Snap Lama', buyer_address: 'Jl. Lama 1, Bandung' });
    const pdf = invoicePathsOf(path.join(dir, 'out'), '2026-10', inv.number, 'SNAP').pdf;
    const first = await readFile(pdf);

    const changed = await runCli(
      'customers',
      ['update', 'SNAP', '--address', 'Jl. Baru 99, Surabaya', '--name', 'PT Snap Baru'],
      env,
    );
    expect(changed.code).toBe(0);
    await rm(pdf);
    const rerun = await runCli(
      'invoice',
      ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email'],
      env,
    );
    expect(rerun.code).toBe(0);
    const text = await pdfText(pdf);
    expect(text).toContain('Jl. Lama 1, Bandung');
    expect(text).toContain('PT Snap Lama');
    expect(text).not.toContain('Surabaya');
    expect(text).not.toContain('PT Snap Baru');
    expect((await readFile(pdf)).equals(first)).toBe(true);
    const register = await readFile(path.join(dir, 'out', '2026-10', 'register.csv'), 'utf8');
    expect(register).toContain('PT Snap Lama');
  });
});
