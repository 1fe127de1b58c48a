// Issue 13 / R10: the set-based re-check after an ingest batch. One statement reads every listed customer's standing;
// only those crossing 80 % / 100 % (or with a suspension to lift) get the per-customer step; the others' usage is
// recorded in one more statement. Statements are counted through a Kysely log on the same real database.
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuotaRecheck } from '../../../src/billing/quota/quota.ts';
import type { DB } from '../../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages } from '../../support/fixtures.ts';

const AS_OF = new Date('2026-10-20T12:00:00+07:00');
const CALM = Array.from({ length: 20 }, (_, i) => `CALM${String(i + 1).padStart(2, '0')}`);

let t: TestDatabase;
let statements = 0;
let counted: Kysely<DB>;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, [...CALM, 'WARN', 'OVER']);
  // R10: a quota of Rp 3.500 is 10 one-part messages at the first tier's 350.
  await t.db
    .updateTable('customers')
    .set({ quota_override: 3500 })
    .where('code', 'in', ['WARN', 'OVER'])
    .execute();
  counted = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: t.pool }),
    log: (event) => {
      if (event.level === 'query') statements += 1;
    },
  });
});
afterAll(async () => {
  await t.close();
});

/** One-part messages on 10 October, marked dirty as the ingest marks them. */
async function send(code: string, count: number): Promise<number> {
  await insertMessages(t.db, { customer: code, count, from: '2026-10-10T08:00:00+07:00' });
  const id = await customerId(t.db, code);
  await t.db
    .insertInto('daily_usage_dirty')
    .values({ customer_id: id, day: '2026-10-10' })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return id;
}

async function recheck(ids: ReadonlyArray<number>) {
  statements = 0;
  const done = await runQuotaRecheck({ db: counted, pool: t.pool }, AS_OF, ids);
  return { done, statements };
}

describe('R10/issue 13: the set-based quota re-check', () => {
  it('R10: of 22 customers it acts on the two that cross 80 % and 100 %, and records everyone’s usage', async () => {
    const ids = [
      ...(await Promise.all(CALM.map((c) => send(c, 1)))),
      await send('WARN', 9),
      await send('OVER', 10),
    ];
    const { done } = await recheck(ids);
    expect(done.checked).toBe(22);
    expect(done.problems).toEqual([]);
    expect(done.acted).toEqual([
      { customer_code: 'OVER', warned_now: true, suspended_now: true, lifted_now: null },
      { customer_code: 'WARN', warned_now: true, suspended_now: false, lifted_now: null },
    ]);
    const p = await t.db.selectFrom('sending_permission').selectAll().orderBy('customer_code').execute();
    expect(p.filter((r) => r.customer_code.startsWith('CALM')).map((r) => [r.allowed, r.usage])).toEqual(
      CALM.map(() => [true, 350]),
    );
    expect(
      p
        .filter((r) => !r.customer_code.startsWith('CALM'))
        .map((r) => [r.customer_code, r.allowed, r.reason, r.usage]),
    ).toEqual([
      ['OVER', false, 'quota', 3500],
      ['WARN', true, null, 3150],
    ]);
    const warnings = await t.db.selectFrom('quota_warnings').select(['customer_id', 'level']).execute();
    expect(warnings).toHaveLength(3); // WARN 80; OVER 80 and 100
  });

  it('R10: when nobody crosses, the statements do not grow with the number of customers (no per-customer step)', async () => {
    const one = [await send('CALM01', 1)];
    const many = await Promise.all(CALM.map((c) => send(c, 1)));
    const single = await recheck(one);
    const all = await recheck([...many, await customerId(t.db, 'WARN'), await customerId(t.db, 'OVER')]);
    expect(single.done.acted).toEqual([]);
    expect(all.done.acted).toEqual([]);
    expect(all.done.checked).toBe(22);
    // The price lists, the standings, the usage upsert and the folding of busy days' deltas, however many customers.
    expect(all.statements).toBe(single.statements);
    expect(all.statements).toBeLessThanOrEqual(5);
    const calm = await t.db
      .selectFrom('sending_permission')
      .select('usage')
      .where('customer_code', 'in', CALM)
      .execute();
    // CALM01 sent 3 messages, the others 2: each batch's usage is recorded even when nothing is acted on.
    expect(calm.map((r) => r.usage).sort((a, b) => a - b)).toEqual([...CALM.slice(1).map(() => 700), 1050]);
  });

  it('R10/R2: usage given back under 100 % lifts the suspension in the next re-check', async () => {
    const over = await customerId(t.db, 'OVER');
    await t.db.updateTable('messages').set({ delivery_status: 6 }).where('customer_id', '=', over).execute();
    await t.db
      .insertInto('daily_usage_dirty')
      .values({ customer_id: over, day: '2026-10-10' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const { done } = await recheck([over]);
    expect(done.acted).toEqual([
      { customer_code: 'OVER', warned_now: false, suspended_now: false, lifted_now: 'quota raised' },
    ]);
    const p = await t.db
      .selectFrom('sending_permission')
      .selectAll()
      .where('customer_code', '=', 'OVER')
      .executeTakeFirstOrThrow();
    expect([p.allowed, p.usage]).toEqual([true, 0]);
  });

  it('R10: an id that is no active postpaid customer is skipped', async () => {
    const { done } = await recheck([999_999]);
    expect(done).toEqual({ checked: 0, acted: [], problems: [] });
  });
});
