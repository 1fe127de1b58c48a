import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCharacters, sqlBillableCharacters } from '../../src/domain/counting.ts';
import { type DeliveryStatus, mergeDeliveryStatus } from '../../src/domain/delivery-status.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

// Text drawn from what OTP messages hold: ASCII (all 28 specials among them), Indonesian letters, emoji.
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'~`!@#$%&*()_=\\-{}[]:;\'><?,./"^|+ \n\t0123456789aZ'),
    fc.constantFrom('é', 'ñ', 'ü', '👍', '🇮🇩', '€', '中'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 300,
});

describe('SQL and TypeScript agree', () => {
  it('R3: a counting done in SQL agrees with the TypeScript one on random Unicode text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 50 }), async (texts) => {
        const rows = await sql<{ i: number; characters: number; billable: number }>`
          select i::int, char_length(t) as characters, ${sql.raw(sqlBillableCharacters('t'))} as billable
          from unnest(${texts}::text[]) with ordinality as x(t, i)
          order by i
        `.execute(t.db);
        rows.rows.forEach((r, k) => {
          const ts = countCharacters(texts[k]!);
          expect([r.characters, r.billable]).toEqual([ts.characters, ts.billableCharacters]);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('R2: merge_delivery_status in SQL follows the same rule as mergeDeliveryStatus', async () => {
    const statuses: ReadonlyArray<DeliveryStatus | null> = [null, 2, 3, 4, 5, 6, 7];
    const pairs = statuses.flatMap((cur) => ([2, 3, 4, 5, 6, 7] as const).map((inc) => [cur, inc] as const));
    const rows = await sql<{ merged: number }>`
      select merge_delivery_status(cur::smallint, inc::smallint)::int as merged
      from unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::int[]) with ordinality as x(cur, inc, i)
      order by i
    `.execute(t.db);
    expect(rows.rows.map((r) => r.merged)).toEqual(pairs.map(([cur, inc]) => mergeDeliveryStatus(cur, inc)));
  });
});
