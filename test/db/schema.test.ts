import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

async function customer(code: string): Promise<number> {
  const row = await t.db
    .insertInto('customers')
    .values({ code, name: `PT ${code}`, emails: [`${code.toLowerCase()}@example.id`] })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('schema', () => {
  it('migrating again applies nothing', async () => {
    expect((await migrateToLatest(t.db)).applied).toEqual([]);
  });

  it('R5: the WhatsApp OTP postpaid list of 2022-03-01 is loaded with six tiers for five operators', async () => {
    const tiers = await t.db
      .selectFrom('price_tiers as t')
      .innerJoin('price_lists as l', 'l.id', 't.price_list_id')
      .select(['t.operator', 't.min_parts', 't.unit_price'])
      .where('l.product', '=', 'whatsapp_otp')
      .where('l.effective_from', '=', '2022-03-01')
      .orderBy('t.operator')
      .orderBy('t.min_parts')
      .execute();
    expect(tiers).toHaveLength(30);
    expect(tiers.filter((r) => r.operator === 'telkomsel').map((r) => [r.min_parts, r.unit_price])).toEqual([
      [0, 350],
      [1000, 340],
      [5000, 330],
      [20000, 320],
      [100000, 310],
      [250000, 300],
    ]);
  });

  it('R4/R6/R13: prefixes, tax rules and the holiday calendar are loaded', async () => {
    const prefixes = await t.db
      .selectFrom('operator_prefixes')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(prefixes.n).toBe(9 + 7 + 5 + 11 + 9);
    const tax = await t.db
      .selectFrom('tax_rules')
      .select(['effective_from', 'label', 'rounding', 'round_dpp_first'])
      .orderBy('effective_from')
      .execute();
    expect(tax).toEqual([
      { effective_from: '2022-04-01', label: 'PPN 11%', rounding: 'floor', round_dpp_first: false },
      { effective_from: '2025-01-01', label: 'PPN 12%', rounding: 'floor', round_dpp_first: false },
      // R6: PER-11/PJ/2025 art. 129 — DPP and PPN whole rupiah, half up, PPN from the rounded DPP.
      { effective_from: '2025-05-22', label: 'PPN 12%', rounding: 'half_up', round_dpp_first: true },
    ]);
    const y2026 = await t.db
      .selectFrom('holidays')
      .select(['kind', sql<number>`count(*)::int`.as('n')])
      .where('day', '>=', '2026-01-01')
      .where('day', '<=', '2026-12-31')
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    expect(y2026).toEqual([
      { kind: 'cuti_bersama', n: 8 },
      { kind: 'holiday', n: 17 },
    ]);
  });

  it('R3: a message the gateway accepted must have at least one part', async () => {
    const id = await customer('PARTS');
    await expect(
      t.db
        .insertInto('messages')
        .values({
          sending_id: 900001,
          customer_id: id,
          product: 'whatsapp_otp',
          number: '6281234567890',
          operator: 'telkomsel',
          sent_at: new Date(),
          sending_status: 10,
          characters: 0,
          billable_characters: 0,
          parts: 0,
          content_hash: Buffer.alloc(16),
        })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });

  it('R9: the deposit ledger keeps a running balance, refuses to go below zero, and is append-only', async () => {
    const id = await customer('LEDGER');
    await t.db
      .insertInto('deposit_ledger')
      .values({ customer_id: id, entry_date: '2026-10-01', kind: 'deposit', amount: 10_000_000 })
      .execute();
    await t.db
      .insertInto('deposit_ledger')
      .values({ customer_id: id, entry_date: '2026-11-01', kind: 'deduction', amount: -4_000_000 })
      .execute();
    await expect(
      t.db
        .insertInto('deposit_ledger')
        .values({ customer_id: id, entry_date: '2026-11-02', kind: 'deduction', amount: -6_000_001 })
        .execute(),
    ).rejects.toThrow(/balance_after/);
    const balance = await t.db
      .selectFrom('deposit_balances')
      .select('balance')
      .where('customer_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(balance.balance).toBe(6_000_000);
    await expect(
      t.db.updateTable('deposit_ledger').set({ ref: 'x' }).where('customer_id', '=', id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('deposit_ledger').where('customer_id', '=', id).execute()).rejects.toThrow(
      /append-only/,
    );
  });
});
