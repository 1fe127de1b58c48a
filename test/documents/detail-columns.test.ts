// Issue 16 / R14: the detail's WIB time and its formula guard, written without to_char and without a regular
// expression for speed, give what those gave, on a server whose DateStyle is not ISO.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_COLUMNS, detailSession } from '../../src/documents/detail-csv.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
let client: pg.PoolClient;

beforeAll(async () => {
  t = await createEmptyDatabase();
  client = await t.pool.connect();
});
afterAll(async () => {
  client.release();
  await t.close();
});

const times = [
  '2026-10-10T09:00:00+07:00',
  '2026-09-30T17:00:00Z', // midnight WIB, the month's first second
  '2026-10-31T16:59:59.999999Z', // a fraction of a second is cut, not rounded
  '2026-12-31T23:30:15.5+07:00',
  '2027-01-01T00:00:00+08:00',
];
const numbers = ['6281234567890', '=1+2', '+6281', '-5', '@SUM(A1)', '\t628', '\r628', '', "'x", '628=1'];

describe('the detail columns', () => {
  it("match to_char's WIB time and the regular expression's formula guard, whatever the DateStyle", async () => {
    await client.query("set datestyle = 'SQL, DMY'");
    await detailSession(client);
    const rows = times.flatMap((at, i) => numbers.map((n, j) => ({ id: i * 100 + j, at, n })));
    const values = rows.map(
      (_, k) => `($${3 * k + 1}::bigint, $${3 * k + 2}::timestamptz, $${3 * k + 3}::text)`,
    );
    const result = await client.query<{
      sent_at: string;
      number: string;
      old_at: string;
      old_number: string;
    }>(
      `select d.sent_at, d.number,
         to_char(m.sent_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"') as old_at,
         case when m.number ~ '^[=+@\\t\\r-]' then '''' || m.number else m.number end as old_number
       from (values ${values.join(', ')}) as v(sending_id, sent_at, number)
       cross join lateral (select v.sending_id, v.sent_at, v.number, 'telkomsel' as operator, 'otp' as product,
         10 as sending_status, 3 as delivery_status, 1 as characters, 1 as billable_characters, 1 as parts,
         true as billed) m
       cross join lateral (select ${DETAIL_COLUMNS('0', '0')}) d
       order by m.sending_id`,
      rows.flatMap((r) => [r.id, r.at, r.n]),
    );
    expect(result.rows).toHaveLength(times.length * numbers.length);
    for (const r of result.rows) {
      expect(r.sent_at).toBe(r.old_at);
      expect(r.number).toBe(r.old_number);
    }
    expect(result.rows.map((r) => r.sent_at).filter((_, k) => k % numbers.length === 0)).toEqual([
      '2026-10-10T09:00:00+07:00',
      '2026-10-01T00:00:00+07:00',
      '2026-10-31T23:59:59+07:00',
      '2026-12-31T23:30:15+07:00',
      '2026-12-31T23:00:00+07:00',
    ]);
    expect(result.rows.slice(0, numbers.length).map((r) => r.number)).toEqual([
      '6281234567890',
      "'=1+2",
      "'+6281",
      "'-5",
      "'@SUM(A1)",
      "'\t628",
      "'\r628",
      '',
      "'x",
      '628=1',
    ]);
  });
});
