import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlArray } from '../../src/db/sql-array.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

describe('sqlArray: array literals that PostgreSQL reads back exactly', () => {
  it('bigints, booleans and ISO timestamps round-trip through PostgreSQL', async () => {
    const ids = [1, 9_007_199_254_740_991, -42, 0];
    const flags = [true, false, true];
    const times = ['2026-10-31T17:00:00.000Z', '2026-10-05T10:11:12+07:00'];
    const r = await t.pool.query(
      `select $1::bigint[]::text[] as ids, $2::boolean[] as flags,
         array(select to_char(x at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') from unnest($3::timestamptz[]) x) as times,
         cardinality($4::integer[]) as empty`,
      [sqlArray(ids), sqlArray(flags), sqlArray(times), sqlArray([])],
    );
    expect(r.rows[0]).toEqual({
      ids: ['1', '9007199254740991', '-42', '0'],
      flags,
      times: ['2026-10-31T17:00:00', '2026-10-05T03:11:12'],
      empty: 0,
    });
  });

  it('refuses any value PostgreSQL could misread, naming it', () => {
    expect(() => sqlArray([1.5])).toThrow(/1.5 is not a whole number/);
    expect(() => sqlArray([Number.NaN])).toThrow(/not a whole number/);
    expect(() => sqlArray([2 ** 60])).toThrow(/not a whole number/);
    for (const bad of ['a b', 'a,b', 'a"b', '{x}', 'NULL', 'null', ''])
      expect(() => sqlArray([bad])).toThrow(/quoting/);
  });
});
