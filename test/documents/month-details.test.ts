// Issue 16 / R14: the details of many invoices from one COPY are the same bytes as each invoice's own COPY.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetailQuery, writeDetailCsv } from '../../src/documents/detail-csv.ts';
import { writeSharedDetails } from '../../src/documents/month-details.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';

let t: TestDatabase;
const SMALL = Array.from({ length: 30 }, (_, k) => `S${String(k).padStart(2, '0')}`);
const ids: Record<string, number> = {};
let snapshot = '';
const start = new Date('2026-10-01T00:00:00+07:00');
const endExclusive = new Date('2026-11-01T00:00:00+07:00');

beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ALFA', 'BRAVO', 'EMPTY', 'LATE', 'BIG', ...SMALL]);
  // BIG's detail is about 0.7 MB: written in several pieces. The SMALL ones are more files than a lane keeps
  // finishing at once.
  await insertMessages(t.db, { customer: 'BIG', count: 7000, from: '2026-10-03T08:00:00+07:00' });
  for (const [k, code] of SMALL.entries())
    await insertMessages(t.db, { customer: code, count: 1 + (k % 4), from: '2026-10-04T08:00:00+07:00' });
  await insertMessages(t.db, { customer: 'ALFA', count: 300, from: '2026-10-02T08:00:00+07:00' });
  await insertMessages(t.db, {
    customer: 'ALFA',
    count: 40,
    parts: 2,
    operator: 'xl',
    from: '2026-10-05T08:00:00+07:00',
  });
  await insertMessages(t.db, {
    customer: 'ALFA',
    count: 5,
    sendingStatus: 60,
    from: '2026-10-06T08:00:00+07:00',
  });
  await insertMessages(t.db, {
    customer: 'BRAVO',
    count: 25,
    deliveryStatus: 6,
    from: '2026-10-07T08:00:00+07:00',
  });
  await insertMessages(t.db, { customer: 'BRAVO', count: 25, from: '2026-10-31T23:59:00+07:00' });
  // EMPTY has a message of September only: its detail is the header alone.
  await insertMessages(t.db, { customer: 'EMPTY', count: 3, from: '2026-09-30T23:00:00+07:00' });
  await insertMessages(t.db, { customer: 'LATE', count: 10, from: '2026-10-10T08:00:00+07:00' });
  snapshot = (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(t.db)).rows[0]!.s;
  // After the snapshot: a new message (not billed) and a Cancel of a billed one (still billed as of the snapshot).
  await insertMessages(t.db, { customer: 'LATE', count: 4, from: '2026-10-20T08:00:00+07:00' });
  await sql`update messages set delivery_status = 5, delivery_xid = pg_current_xact_id()
    where sending_id = (select min(sending_id) from messages m join customers c on c.id = m.customer_id where c.code = 'LATE')`.execute(
    t.db,
  );
  for (const r of await t.db.selectFrom('customers').select(['id', 'code']).execute()) ids[r.code] = r.id;
});
afterAll(async () => {
  await t.close();
});

async function withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await t.pool.connect();
  try {
    return await fn(c);
  } finally {
    c.release();
  }
}

const prices = [
  { product: 'whatsapp_otp', operator: 'telkomsel', unitPrice: 350 },
  { product: 'whatsapp_otp', operator: 'xl', unitPrice: 410 },
];

function queries(): DetailQuery[] {
  return ['ALFA', 'EMPTY', 'BRAVO', 'LATE'].map((code, k) => ({
    customerId: ids[code]!,
    start,
    endExclusive,
    // BRAVO as a dry run's draft: no snapshot, billable as of now.
    snapshot: code === 'BRAVO' ? null : snapshot,
    prices: k === 0 ? prices : prices.slice(0, 1),
  }));
}

describe('R14: the shared detail COPY', () => {
  it('gives each invoice the bytes of its own COPY: header-only, draft, snapshot and prices included', async () => {
    const dir = await tempDir('tagih-shared-details-');
    const qs = queries();
    const written: Array<[number, string]> = [];
    await withClient((c) =>
      writeSharedDetails(
        c,
        qs.map((q, k) => ({ query: q, file: path.join(dir, `shared-${k}.csv`) })),
        1 << 30,
        (k, file) => written.push([k, file]),
      ),
    );
    expect(written.map(([k]) => k)).toEqual([0, 1, 2, 3]);
    const client = await t.pool.connect();
    try {
      for (const [k, file] of written) {
        const own = await writeDetailCsv(client, qs[k]!, path.join(dir, `own-${k}.csv`), 1 << 30);
        expect(await readFile(file, 'utf8')).toBe(await readFile(own, 'utf8'));
      }
    } finally {
      client.release();
    }
    const alfa = (await readFile(written[0]![1], 'utf8')).trim().split('\n');
    expect(alfa).toHaveLength(1 + 345);
    expect((await readFile(written[1]![1], 'utf8')).trim().split('\n')).toHaveLength(1);
    // LATE as of its snapshot: 10 rows, the cancelled one still billed; the later 4 not there.
    const late = (await readFile(written[3]![1], 'utf8')).trim().split('\n').slice(1);
    expect(late).toHaveLength(10);
    expect(late.every((l) => l.endsWith(',350,350'))).toBe(true);
  });

  it('writes many files, one of them in pieces, each whole and reported in order', async () => {
    const dir = await tempDir('tagih-shared-many-');
    const codes = [...SMALL.slice(0, 12), 'BIG', ...SMALL.slice(12)];
    const qs = codes.map((code) => ({ ...queries()[0]!, customerId: ids[code]! }));
    const written: Array<[number, string]> = [];
    await withClient((c) =>
      writeSharedDetails(
        c,
        qs.map((q, k) => ({ query: q, file: path.join(dir, `s-${k}.csv`) })),
        1 << 30,
        (k, file) => written.push([k, file]),
      ),
    );
    expect(written.map(([k]) => k)).toEqual(codes.map((_, k) => k));
    await withClient(async (c) => {
      for (const [k, file] of written) {
        const own = await writeDetailCsv(c, qs[k]!, path.join(dir, `own-${k}.csv`), 1 << 30);
        expect(await readFile(file, 'utf8')).toBe(await readFile(own, 'utf8'));
      }
    });
    const big = await readFile(written[12]![1], 'utf8');
    expect(big.length).toBeGreaterThan(600_000);
    expect(big.trim().split('\n')).toHaveLength(1 + 7000);
  });

  it('leaves only whole files behind when one of them cannot be written', async () => {
    const dir = await tempDir('tagih-shared-fail-');
    await writeFile(path.join(dir, 'blocker'), 'a file where a folder is wanted');
    const qs = SMALL.map((code) => ({ ...queries()[0]!, customerId: ids[code]! }));
    const file = (k: number) =>
      k === 5 ? path.join(dir, 'blocker', 's-5.csv') : path.join(dir, `s-${k}.csv`);
    const written: number[] = [];
    await expect(
      withClient((c) =>
        writeSharedDetails(
          c,
          qs.map((q, k) => ({ query: q, file: file(k) })),
          1 << 30,
          (k) => written.push(k),
        ),
      ),
    ).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect(written).toEqual([0, 1, 2, 3, 4]);
    const left = (await readdir(dir)).filter((f) => f !== 'blocker');
    // No temporary is left, and each file there is whole: the ones after the failure that got finished meanwhile.
    expect(left.every((f) => /^s-\d+\.csv$/.test(f))).toBe(true);
    expect(left).toEqual(expect.arrayContaining(['s-0.csv', 's-4.csv']));
    await withClient(async (c) => {
      for (const f of left) {
        const k = Number(f.slice(2, -4));
        const own = await writeDetailCsv(c, qs[k]!, path.join(dir, 'own', f), 1 << 30);
        expect(await readFile(path.join(dir, f), 'utf8')).toBe(await readFile(own, 'utf8'));
      }
    });
  });

  it('gzips a large detail as the per-invoice writer does', async () => {
    const dir = await tempDir('tagih-shared-gz-');
    const written: string[] = [];
    await withClient((c) =>
      writeSharedDetails(
        c,
        queries().map((q, k) => ({ query: q, file: path.join(dir, `d-${k}.csv`) })),
        2000,
        (_, file) => written.push(path.basename(file)),
      ),
    );
    expect(written).toEqual(['d-0.csv.gz', 'd-1.csv', 'd-2.csv.gz', 'd-3.csv']);
  });
});
