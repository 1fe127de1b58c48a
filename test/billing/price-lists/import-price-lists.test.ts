import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { importPriceLists } from '../../../src/billing/price-lists/import-price-lists.ts';
import { retirePriceList } from '../../../src/billing/price-lists/price-list-queries.ts';
import { loadConfig } from '../../../src/config.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

let t: TestDatabase;
let dir: string;
const HEADER = 'product,customer,mode,effective_from,operator,min_parts,unit_price';
const PRICED = ['telkomsel', 'xl', 'indosat', 'three', 'smartfren'];

/** A well-formed list: one row per priced operator and band. */
function rows(
  product: string,
  customer: string,
  from: string,
  bands: ReadonlyArray<[number, number]>,
  mode = 'volume',
) {
  return bands.flatMap(([min, price]) =>
    PRICED.map((op) => `${product},${customer},${mode},${from},${op},${min},${price}`),
  );
}

async function file(name: string, lines: ReadonlyArray<string>): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, [HEADER, ...lines].join('\n'));
  return f;
}

async function listCount(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from price_lists`.execute(t.db)).rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-prices-');
  await addCustomers(t.db, ['ACME', 'BETA']);
});
afterAll(async () => {
  await t.close();
});

describe('R18: prices import refuses bad rows, naming the row and the reason, and imports nothing', () => {
  // Row 2 is the first row after the header.
  const good = rows('sms_otp', '', '2026-12-01', [
    [0, 300],
    [1000, 290],
  ]);
  it.each([
    [
      'tiers not starting at 0',
      rows('sms_otp', '', '2026-12-01', [[10, 300]]),
      'row 2: the tiers of telkomsel start at 10 parts; they must start at 0',
    ],
    [
      'a duplicate band',
      [...good, 'sms_otp,,volume,2026-12-01,xl,1000,280'],
      'row 12: duplicate band: xl from 1000 parts is already on row 8',
    ],
    [
      'a decimal price',
      [...good.slice(0, 9), 'sms_otp,,volume,2026-12-01,smartfren,1000,289.5'],
      "row 11: unit_price '289.5' must be a whole non-negative number of rupiah (no dots or decimals)",
    ],
    [
      'a negative price',
      [...good.slice(0, 9), 'sms_otp,,volume,2026-12-01,smartfren,1000,-1'],
      "row 11: unit_price '-1' must be a whole non-negative number of rupiah (no dots or decimals)",
    ],
    [
      'an unknown product',
      rows('fax_otp', '', '2026-12-01', [[0, 300]]),
      "row 2: product 'fax_otp' does not exist (known: ",
    ],
    [
      'an unknown customer',
      rows('sms_otp', 'NOPE', '2026-12-01', [[0, 300]]),
      "row 2: customer 'NOPE' does not exist; add it with 'npm run customers -- import' first",
    ],
    [
      'an operator left out',
      rows('sms_otp', '', '2026-12-01', [[0, 300]]).filter((r) => !r.includes(',three,')),
      "row 2: the list sms_otp (standard) from 2026-12-01 has no price for three; every priced operator needs one (only 'other' may be left out, R5)",
    ],
    [
      'a band without a price for one operator',
      good.filter((r) => r !== 'sms_otp,,volume,2026-12-01,xl,1000,290'),
      'row 2: the list sms_otp (standard) from 2026-12-01 has no price for xl from 1000 parts; every band needs a price for every priced operator',
    ],
  ])('R18: %s', async (name, lines, message) => {
    const before = await listCount();
    const s = await importPriceLists(
      t.db,
      await file(`${name}.csv`, [...lines, ...rows('sms_masking', '', '2026-12-01', [[0, 500]])]),
    );
    expect(s.rejected.map((r) => `row ${r.row}: ${r.reason}`).join('\n')).toContain(message);
    expect(s.added).toEqual([]);
    expect(await listCount()).toBe(before); // all or nothing: the good sms_masking list was not added either
  });

  it("R5/R18: 'other' may be left out; importing the same file twice changes nothing", async () => {
    const f = await file('good.csv', good);
    const first = await importPriceLists(t.db, f);
    expect(first.rejected).toEqual([]);
    expect(first.added).toHaveLength(1);
    const count = await listCount();
    const again = await importPriceLists(t.db, f);
    expect(again).toMatchObject({ added: [], unchanged: [{ id: first.added[0]!.id }], rejected: [] });
    expect(await listCount()).toBe(count);
  });
});

describe('R18: a list never starts on or before a day of a period already issued', () => {
  it('R18: refused with the month, the customer and the first day a list can start', async () => {
    await insertMessages(t.db, { customer: 'ACME', count: 3, from: '2026-10-05T10:00:00+07:00' });
    const config = { ...loadConfig({}), outDir: await tempDir('tagih-out-') };
    const database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
    const s = await runInvoiceMonth(database, config, {
      month: '2026-10',
      issueDate: '2026-11-01',
      dryRun: false,
      actor: 'test',
      holdMail: false,
      now: new Date('2026-11-27T03:00:00Z'),
    });
    expect(s.issued).toHaveLength(1);
    const refused = await importPriceLists(
      t.db,
      await file('acme.csv', rows('whatsapp_otp', 'ACME', '2026-10-15', [[0, 320]])),
    );
    expect(refused.rejected).toEqual([
      {
        row: 2,
        reason:
          '2026-10 is already invoiced for ACME; a new price list can start from 2026-11-01 or be applied with a credit note',
      },
    ]);
    // A standard list affects ACME too (it has no contract list for the product).
    const standard = await importPriceLists(
      t.db,
      await file('std.csv', rows('whatsapp_otp', '', '2026-10-01', [[0, 320]])),
    );
    expect(standard.rejected[0]?.reason).toBe(
      '2026-10 is already invoiced for ACME; a new price list can start from 2026-11-01 or be applied with a credit note',
    );
    // From the first day after the issued period it is accepted.
    const ok = await importPriceLists(
      t.db,
      await file('acme-nov.csv', rows('whatsapp_otp', 'ACME', '2026-11-01', [[0, 320]])),
    );
    expect(ok.rejected).toEqual([]);
  });

  it('R18: retire refuses a list an issued invoice used, and retires an unused one', async () => {
    const used = await sql<{ id: number }>`select price_list_id as id from invoice_lines limit 1`.execute(
      t.db,
    );
    const refused = await retirePriceList(t.db, Number(used.rows[0]!.id));
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? '' : refused.reason).toMatch(
      /^Price list \d+ \(WhatsApp OTP Pascabayar 1 Maret 2022\) priced 1 issued invoice\(s\), e\.g\. INV\/2026\/11\/00001; it stays\./,
    );
    const unused = await sql<{ id: number }>`
      select id from price_lists where product = 'sms_otp' and retired_at is null`.execute(t.db);
    expect(await retirePriceList(t.db, Number(unused.rows[0]!.id))).toMatchObject({ ok: true });
  });
});

describe('npm run prices', () => {
  it('R18: import, list --at --json, show and retire, as a clerk runs them', async () => {
    const env = { DATABASE_URL: t.url };
    const f = await file(
      'beta.csv',
      rows(
        'sms_masking',
        'BETA',
        '2026-12-01',
        [
          [0, 450],
          [5000, 400],
        ],
        'graduated',
      ),
    );
    const imported = await runCli('prices', ['import', f], env);
    expect(imported.stdout).toContain('1 list(s), 1 added, 0 unchanged.');
    expect(imported.code).toBe(0);
    const listed = JSON.parse(
      (await runCli('prices', ['list', '--customer', 'BETA', '--at', '2026-12-15', '--json'], env)).stdout,
    );
    expect(listed).toMatchObject([
      {
        product: 'sms_masking',
        customer: 'BETA',
        mode: 'graduated',
        effective_from: '2026-12-01',
        tiers: 10,
      },
    ]);
    const shown = await runCli('prices', ['show', String(listed[0].id)], env);
    expect(shown.stdout).toContain('mode graduated, from 2026-12-01');
    expect(shown.stdout).toMatch(/5000\s+xl\s+Rp 400/);
    const bad = await runCli(
      'prices',
      ['import', await file('bad.csv', ['sms_otp,,volume,2026-12-01,xl,0,1.000'])],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("row 2: unit_price '1.000' must be a whole non-negative number of rupiah");
    const retired = await runCli('prices', ['retire', String(listed[0].id)], env);
    expect(retired.stdout).toMatch(/retired\.$/m);
  });
});

describe('R18: the demo price lists', () => {
  it('R18: example SMS OTP and SMS masking lists, marked as examples, and a graduated contract import cleanly', async () => {
    const demo = await createTestDatabase();
    try {
      await addCustomers(demo.db, ['TOKOKITA']);
      const file = new URL('../../../scripts/demo-price-lists.csv', import.meta.url).pathname;
      const s = await importPriceLists(demo.db, file);
      expect(s.rejected).toEqual([]);
      expect(s.added.map((l) => l.name)).toEqual([
        'CONTOH / EXAMPLE SMS OTP (the terms give no SMS prices)',
        'CONTOH / EXAMPLE SMS Masking (the terms give no SMS prices)',
        'Kontrak TOKOKITA WhatsApp OTP bertingkat 2026',
      ]);
      expect((await importPriceLists(demo.db, file)).unchanged).toHaveLength(3);
    } finally {
      await demo.close();
    }
  });
});
