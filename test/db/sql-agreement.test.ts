import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billedPredicate } from '../../src/db/billed-sql.ts';
import { type DeliveryStatus, isBillable, mergeDeliveryStatus } from '../../src/domain/delivery-status.ts';
import { quotaFor } from '../../src/domain/quota.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

describe('SQL and TypeScript agree', () => {
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

  it('R2: the generated column messages.billable says what isBillable says (prepaid charging trusts it)', async () => {
    const cases = [10, 60, 70, 80, 90].flatMap((sending) =>
      [null, 2, 3, 4, 5, 6, 7].map((delivery) => [sending, delivery] as const),
    );
    // In a transaction rolled back: nothing of it stays in the test database.
    const client = await t.pool.connect();
    let rows: { rows: Array<{ sending_id: string; billable: boolean }> };
    try {
      await client.query('begin');
      const c = await client.query(
        `insert into customers (code, name, emails) values ('BILLABLE', 'PT B', '{b@b.id}') returning id`,
      );
      rows = await client.query(
        `insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status,
           delivery_status, characters, billable_characters, parts, content_hash)
         select 900000000 + i, $1, 'whatsapp_otp', '6281200000000', 'telkomsel', timestamptz '2026-10-05T10:00:00+07:00',
           s, d, 1, 1, 1, '\\x00'::bytea
         from unnest($2::int[], $3::int[]) with ordinality as x(s, d, i)
         returning sending_id, billable`,
        [c.rows[0].id, cases.map((x) => x[0]), cases.map((x) => x[1])],
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
    const inOrder = [...rows.rows].sort((a, b) => Number(a.sending_id) - Number(b.sending_id));
    expect(inOrder.map((r) => r.billable)).toEqual(cases.map(([s, d]) => isBillable(s, d)));
  });

  it('R10: quota_for in SQL (used by sending_permission) gives what quotaFor gives', async () => {
    const rupiah = fc.integer({ min: 0, max: 1_000_000_000_000 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(rupiah, fc.option(rupiah, { nil: null })), { minLength: 1, maxLength: 50 }),
        async (cases) => {
          const rows = await sql<{ quota: string }>`
            select quota_for(b, o)::text as quota
            from unnest(${cases.map((c) => String(c[0]))}::bigint[], ${cases.map((c) => (c[1] === null ? null : String(c[1])))}::bigint[])
              with ordinality as x(b, o, i)
            order by i
          `.execute(t.db);
          expect(rows.rows.map((r) => Number(r.quota))).toEqual(cases.map(([b, o]) => quotaFor(b, o)));
        },
      ),
      { numRuns: 40 },
    );
  });

  // Moved from test/domain/delivery-status.test.ts (isBillable was used only there): the same table, now against
  // the predicate the run and the detail COPY use, with every ingest and report seen by the snapshot.
  it.each([
    [10, null, true],
    [10, 2, true],
    [10, 3, true],
    [10, 4, true],
    [10, 7, true],
    [10, 5, false],
    [10, 6, false],
    [60, null, false],
    [70, 3, false],
    [80, 4, false],
    [90, null, false],
    [60, 5, false],
  ])('R2: sendingstatus %i with delivery status %s is billed: %s', async (sending, delivery, billable) => {
    const rows = await sql<{ billed: boolean }>`
      select ${sql.raw(billedPredicate('100:100:'))} as billed
      from (values (${sending}::smallint, ${delivery}::smallint, '3'::xid8, ${delivery === null ? null : '4'}::xid8))
        as m(sending_status, delivery_status, ingest_xid, delivery_xid)
    `.execute(t.db);
    expect(rows.rows[0]?.billed).toBe(billable);
  });

  it.each([
    ['a Cancel after the snapshot', 5, '150', true],
    ['a Reject after the snapshot', 6, '150', true],
    ['a Cancel in the snapshot', 5, '50', false],
    ['a Read after the snapshot', 4, '150', true],
  ])('R2: %s: billed %s', async (_what, delivery, deliveryXid, billed) => {
    const rows = await sql<{ billed: boolean }>`
      select ${sql.raw(billedPredicate('100:100:'))} as billed
      from (values (10::smallint, ${delivery}::smallint, '3'::xid8, ${deliveryXid}::xid8))
        as m(sending_status, delivery_status, ingest_xid, delivery_xid)
    `.execute(t.db);
    expect(rows.rows[0]?.billed).toBe(billed);
  });

  it('R2: a message loaded after the snapshot is not billed in it', async () => {
    const rows = await sql<{ billed: boolean }>`
      select ${sql.raw(billedPredicate('100:100:'))} as billed
      from (values (10::smallint, null::smallint, '150'::xid8, null::xid8))
        as m(sending_status, delivery_status, ingest_xid, delivery_xid)
    `.execute(t.db);
    expect(rows.rows[0]?.billed).toBe(false);
  });

  it('R2: the generated column messages.billable agrees with the billed predicate once every change is seen', async () => {
    const customer = await t.db
      .insertInto('customers')
      .values({ code: 'BILLED', name: 'PT Billed', emails: ['billed@example.id'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sendings = [10, 60, 70, 80, 90] as const;
    const deliveries = [null, 2, 3, 4, 5, 6, 7] as const;
    const combos = sendings.flatMap((s) => deliveries.map((d) => [s, d] as const));
    await t.db
      .insertInto('messages')
      .values(
        combos.map(([sending, delivery], i) => ({
          sending_id: 9_000_000 + i,
          customer_id: customer.id,
          product: 'whatsapp_otp',
          number: '6281200000000',
          operator: 'telkomsel',
          sent_at: '2026-10-15T03:00:00Z',
          sending_status: sending,
          delivery_status: delivery,
          characters: 10,
          billable_characters: 10,
          parts: 1,
          content_hash: Buffer.from('x'),
          delivery_xid: delivery === null ? null : sql<string>`pg_current_xact_id()`,
        })),
      )
      .execute();
    const snapshot = (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(t.db))
      .rows[0]!.s;
    const rows = await sql<{ billable: boolean; billed: boolean }>`
      select m.billable, ${sql.raw(billedPredicate(snapshot))} as billed
      from messages m where m.customer_id = ${customer.id} order by m.sending_id
    `.execute(t.db);
    expect(rows.rows).toHaveLength(combos.length);
    expect(rows.rows.map((r) => r.billable)).toEqual(rows.rows.map((r) => r.billed));
    expect(rows.rows.filter((r) => r.billable)).toHaveLength(5);
  });
});
