import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { importPriceLists } from '../../../src/billing/price-lists/import-price-lists.ts';
import { loadConfig } from '../../../src/config.ts';
import { graduatedAmount } from '../../../src/domain/tiers.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';

let t: TestDatabase;
let out: string;
const PRICED = ['telkomsel', 'xl', 'indosat', 'three', 'smartfren'];
// R18: a graduated contract: parts 1–9 at 350, 10–19 at 300, 20 and on at 250 ('other' pays the highest, R5).
const BANDS: ReadonlyArray<[number, number]> = [
  [0, 350],
  [10, 300],
  [20, 250],
];

beforeAll(async () => {
  t = await createTestDatabase();
  out = await tempDir('tagih-graduated-');
  await addCustomers(t.db, ['GRAD']);
  const file = path.join(out, 'grad.csv');
  await writeFile(
    file,
    [
      'product,customer,mode,effective_from,operator,min_parts,unit_price',
      ...BANDS.flatMap(([min, price]) =>
        PRICED.map((op) => `whatsapp_otp,GRAD,graduated,2026-10-01,${op},${min},${price}`),
      ),
    ].join('\n'),
  );
  expect((await importPriceLists(t.db, file)).rejected).toEqual([]);
  // In send order: parts 1–4, 5–11 (crosses 10 mid-message), 12–14, 15–22 (crosses 20 mid-message).
  const sends: ReadonlyArray<[string, number, string]> = [
    ['telkomsel', 4, '2026-10-02T08:00:00+07:00'],
    ['xl', 7, '2026-10-03T08:00:00+07:00'],
    ['telkomsel', 3, '2026-10-04T08:00:00+07:00'],
    ['other', 8, '2026-10-05T08:00:00+07:00'],
  ];
  for (const [operator, parts, from] of sends) {
    await insertMessages(t.db, { customer: 'GRAD', count: 1, parts, operator, from });
  }
});
afterAll(async () => {
  await t.close();
});

describe('R18: a graduated contract end to end', () => {
  it('R18: lines per band, and Σ detail = subtotal for a customer crossing two bands mid-message', async () => {
    const database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
    const config = { ...loadConfig({}), outDir: out };
    const s = await runInvoiceMonth(database, config, {
      month: '2026-10',
      issueDate: '2026-11-01',
      dryRun: false,
      actor: 'test',
      holdMail: false,
      now: new Date('2026-11-27T03:00:00Z'),
    });
    expect(s.parked).toEqual([]); // no longer parked
    expect(s.issued).toHaveLength(1);

    const lines = await t.db
      .selectFrom('invoice_lines')
      .select(['operator', 'band_min_parts', 'messages', 'parts', 'unit_price', 'amount'])
      .orderBy('band_min_parts')
      .orderBy('operator')
      .execute();
    // A message straddling a boundary has its parts split across the bands; it counts in its first part's band.
    expect(lines).toEqual([
      { operator: 'telkomsel', band_min_parts: 0, messages: 1, parts: 4, unit_price: 350, amount: 1400 },
      { operator: 'xl', band_min_parts: 0, messages: 1, parts: 5, unit_price: 350, amount: 1750 },
      { operator: 'other', band_min_parts: 10, messages: 1, parts: 5, unit_price: 300, amount: 1500 },
      { operator: 'telkomsel', band_min_parts: 10, messages: 1, parts: 3, unit_price: 300, amount: 900 },
      { operator: 'xl', band_min_parts: 10, messages: 0, parts: 2, unit_price: 300, amount: 600 },
      { operator: 'other', band_min_parts: 20, messages: 0, parts: 3, unit_price: 250, amount: 750 },
    ]);
    const invoice = await t.db
      .selectFrom('invoices')
      .select(['subtotal', 'messages', 'parts'])
      .where('customer_id', '=', await customerId(t.db, 'GRAD'))
      .executeTakeFirstOrThrow();
    // The same as the pure rule: 22 parts, each priced at the band holding its number.
    const list = {
      id: 0,
      product: 'whatsapp_otp',
      mode: 'graduated' as const,
      tiers: BANDS.flatMap(([minParts, unitPrice]) =>
        PRICED.map((operator) => ({ minParts, operator: operator as 'xl', unitPrice })),
      ),
    };
    expect(invoice).toEqual({ subtotal: graduatedAmount(list, 'xl', 0, 22), messages: 4, parts: 22 });

    const folder = path.join(out, '2026-10');
    const detailName = (await readdir(folder)).find((f) => f.endsWith('GRAD-detail.csv'))!;
    const rows = (await readFile(path.join(folder, detailName), 'utf8')).trim().split('\n').slice(1);
    const amounts = rows.map((r) => Number(r.split(',').at(-1)));
    // Per message, in (sent_at, sending_id) order: 4×350; 5×350 + 2×300; 3×300; 5×300 + 3×250.
    expect(amounts).toEqual([1400, 2350, 900, 2250]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(invoice.subtotal);
  });
});
