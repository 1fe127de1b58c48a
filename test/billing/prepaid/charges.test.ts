import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePrepaidCharges } from '../../../src/billing/prepaid/reconcile-charges.ts';
import { recordTopup } from '../../../src/billing/prepaid/top-up.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, ingestLines, reportLine, sendLine } from '../../support/fixtures.ts';
import { addPrepaidCustomers, balanceOf } from './support.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['POST']);
  await addPrepaidCustomers(t.db, ['PRE', 'ZERO', 'RACE', 'WAIT', 'MIXA', 'MIXB']);
});
afterAll(async () => t.close());

const AT = '2026-10-05T10:11:12+07:00';
const charge = (sendingId: number) =>
  t.db.selectFrom('prepaid_charges').selectAll().where('sending_id', '=', sendingId).executeTakeFirst();
const permission = (code: string) =>
  t.db
    .selectFrom('sending_permission')
    .selectAll()
    .where('customer_code', '=', code)
    .executeTakeFirstOrThrow();

describe('R15: usage of a prepaid balance, in the ingest', () => {
  it('R15: each billable message deducts parts × price; non-billable and postpaid messages deduct nothing', async () => {
    await recordTopup(t.db, { customerCode: 'PRE', amount: 500_000, date: '2026-10-01' }); // 340 a part
    await ingestLines(
      t.pool,
      [
        sendLine({ customer: 'PRE', sendingid: 1, sent_at: AT }),
        sendLine({ customer: 'PRE', sendingid: 2, sent_at: AT, message: 'a'.repeat(1001) }),
        sendLine({ customer: 'PRE', sendingid: 3, sent_at: AT, sendingstatus: 60 }),
        sendLine({ customer: 'POST', sendingid: 4, sent_at: AT }),
      ],
      'usage.jsonl',
    );
    expect(await charge(1)).toMatchObject({ unit_price: 340, due: 340, charged: 340, shortfall: 0 });
    expect(await charge(2)).toMatchObject({ due: 680, charged: 680 });
    expect(await charge(3)).toBeUndefined();
    expect(await charge(4)).toBeUndefined();
    expect(await balanceOf(t.db, 'PRE')).toBe(500_000 - 1020);
  });

  it('R15: ingesting the same log again charges nothing twice (idempotent)', async () => {
    await ingestLines(
      t.pool,
      [sendLine({ customer: 'PRE', sendingid: 1, sent_at: AT })],
      'usage-again.jsonl',
    );
    expect(await balanceOf(t.db, 'PRE')).toBe(500_000 - 1020);
    expect((await reconcilePrepaidCharges(t.pool, null)).messages).toBe(0);
  });

  it('R15/R2: a late Reject gives the charge back; a later Delivered does not charge it again', async () => {
    await ingestLines(t.pool, [reportLine(2, 6)], 'reject.jsonl');
    expect(await charge(2)).toMatchObject({ due: 0, charged: 0, given_back: 680 });
    expect(await balanceOf(t.db, 'PRE')).toBe(500_000 - 340);
    await ingestLines(t.pool, [reportLine(2, 3)], 'delivered.jsonl');
    expect(await balanceOf(t.db, 'PRE')).toBe(500_000 - 340);
    const kinds = await t.db
      .selectFrom('prepaid_ledger')
      .select(['kind', 'amount'])
      .where('customer_id', '=', await customerId(t.db, 'PRE'))
      .orderBy('id')
      .execute();
    expect(kinds).toEqual([
      { kind: 'topup', amount: 500_000 },
      { kind: 'usage', amount: -1020 },
      { kind: 'giveback', amount: 680 },
    ]);
  });

  it('R15/R2: a record whose Reject waited from an earlier log, or came with it, is never charged', async () => {
    await recordTopup(t.db, { customerCode: 'WAIT', amount: 500_000, date: '2026-10-01' }); // 340 a part
    await ingestLines(t.pool, [reportLine(7001, 6)], 'early-reject.jsonl'); // waits for its record
    await ingestLines(
      t.pool,
      [
        sendLine({ customer: 'WAIT', sendingid: 7001, sent_at: AT }),
        sendLine({ customer: 'WAIT', sendingid: 7002, sent_at: AT }),
        reportLine(7003, 5), // Cancel before its record, in the same log
        sendLine({ customer: 'WAIT', sendingid: 7003, sent_at: AT }),
        sendLine({ customer: 'WAIT', sendingid: 7004, sent_at: AT }),
        reportLine(7004, 6), // Reject after it
      ],
      'with-reports.jsonl',
    );
    const stored = await t.db
      .selectFrom('messages')
      .select(['sending_id', 'billable'])
      .where('sending_id', 'in', [7001, 7002, 7003, 7004])
      .orderBy('sending_id')
      .execute();
    expect(stored.map((m) => [Number(m.sending_id), m.billable])).toEqual([
      [7001, false],
      [7002, true],
      [7003, false],
      [7004, false],
    ]);
    for (const id of [7001, 7003, 7004]) expect(await charge(id)).toBeUndefined();
    expect(await charge(7002)).toMatchObject({ due: 340, charged: 340 });
    expect(await balanceOf(t.db, 'WAIT')).toBe(500_000 - 340);
  });

  it('R15: a prepaid account with charges is never deleted or moved to another customer (the database refuses)', async () => {
    const id = await customerId(t.db, 'WAIT');
    await expect(t.pool.query('delete from prepaid_accounts where customer_id = $1', [id])).rejects.toThrow(
      /never deleted/,
    );
    await expect(
      t.pool.query('update prepaid_accounts set customer_id = customer_id + 1000 where customer_id = $1', [
        id,
      ]),
    ).rejects.toThrow(/never deleted/);
    // Its other columns change as before (a top-up moves masa aktif and the price per part).
    await t.pool.query('update prepaid_accounts set price_per_part = price_per_part where customer_id = $1', [
      id,
    ]);
  });

  it('R15: a message that does not fit is still recorded, the balance stops at zero, the shortfall is kept, and the account is refused for balance', async () => {
    await recordTopup(t.db, { customerCode: 'ZERO', amount: 100_000, date: '2026-10-01' }); // 350 a part
    expect(await permission('ZERO')).toMatchObject({ allowed: true, reason: null, quota: 100_000 });
    // 285 one-part messages fit in 99.750; the 286th finds 250 left and the 287th nothing.
    const lines = Array.from({ length: 287 }, (_, i) =>
      sendLine({ customer: 'ZERO', sendingid: 1000 + i, sent_at: AT }),
    );
    const s = await ingestLines(t.pool, lines, 'zero.jsonl');
    expect(s.messagesLoaded).toBe(287);
    expect(await balanceOf(t.db, 'ZERO')).toBe(0);
    expect(await charge(1285)).toMatchObject({ due: 350, charged: 250, shortfall: 100 });
    expect(await charge(1286)).toMatchObject({ due: 350, charged: 0, shortfall: 350 });
    expect(await permission('ZERO')).toMatchObject({ allowed: false, reason: 'balance', quota: 0 });
  });

  it('R15: in one ingest, an account that fits is charged in full and one that does not is charged in sent_at order, whatever the file order', async () => {
    await recordTopup(t.db, { customerCode: 'MIXA', amount: 500_000, date: '2026-10-01' }); // 340 a part
    await recordTopup(t.db, { customerCode: 'MIXB', amount: 100_000, date: '2026-10-01' }); // 350 a part
    const at = (seconds: number) => new Date(Date.parse(AT) + seconds * 1000).toISOString();
    // MIXB's 287 messages come latest first: in time order the 286th (id 3001) finds 250 left, the last (3000) 0.
    const lines = Array.from({ length: 287 }, (_, i) => [
      sendLine({ customer: 'MIXB', sendingid: 3000 + i, sent_at: at(286 - i) }),
      ...(i < 10 ? [sendLine({ customer: 'MIXA', sendingid: 4000 + i, sent_at: at(286 - i) })] : []),
    ]).flat();
    await ingestLines(t.pool, lines, 'mixed.jsonl');
    expect(await balanceOf(t.db, 'MIXA')).toBe(500_000 - 10 * 340);
    expect(await charge(4000)).toMatchObject({ due: 340, charged: 340, shortfall: 0 });
    expect(await balanceOf(t.db, 'MIXB')).toBe(0);
    expect(await charge(3000)).toMatchObject({ due: 350, charged: 0, shortfall: 350 });
    expect(await charge(3001)).toMatchObject({ due: 350, charged: 250, shortfall: 100 });
    expect(await charge(3002)).toMatchObject({ due: 350, charged: 350, shortfall: 0 });
    expect(await charge(3286)).toMatchObject({ due: 350, charged: 350, shortfall: 0 });
  });

  it('R15: two ingests racing on one prepaid balance never overdraw it', async () => {
    await recordTopup(t.db, { customerCode: 'RACE', amount: 100_000, date: '2026-10-01' });
    const id = await customerId(t.db, 'RACE');
    // Each transaction loads 200 messages of 350 (70.000): together 140.000 against a balance of 100.000.
    const load = async (first: number) => {
      const client: pg.PoolClient = await t.pool.connect();
      try {
        await client.query('begin');
        await client.query(
          `insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status,
             characters, billable_characters, parts, content_hash)
           select $1::bigint + g, $2, 'whatsapp_otp', '6281200000000', 'telkomsel', $3::timestamptz + make_interval(secs => g),
             10, 10, 10, 1, '\\x00'::bytea from generate_series(0, 199) g`,
          [first, id, AT],
        );
        const ids = Array.from({ length: 200 }, (_, i) => first + i);
        await reconcilePrepaidCharges(client, ids);
        await client.query('commit');
      } finally {
        client.release();
      }
    };
    await Promise.all([load(50_000), load(60_000)]);
    expect(await balanceOf(t.db, 'RACE')).toBe(0);
    const sums = await sql<{ charged: number; shortfall: number; due: number }>`
      select sum(charged)::bigint as charged, sum(shortfall)::bigint as shortfall, sum(due)::bigint as due
      from prepaid_charges where customer_id = ${id}`.execute(t.db);
    expect(sums.rows[0]).toEqual({ charged: 100_000, shortfall: 40_000, due: 140_000 });
    const negative = await t.db
      .selectFrom('prepaid_ledger')
      .select('id')
      .where('balance_after', '<', 0)
      .execute();
    expect(negative).toEqual([]);
  });

  it('R15: the database refuses a ledger entry that would take the balance below zero', async () => {
    await expect(
      t.db
        .insertInto('prepaid_ledger')
        .values({
          customer_id: await customerId(t.db, 'RACE'),
          entry_date: '2026-10-06',
          kind: 'usage',
          amount: -1,
        })
        .execute(),
    ).rejects.toThrow(/prepaid_ledger_balance_after_check/);
  });
});
