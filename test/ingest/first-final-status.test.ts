import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, ingestLines, reportLine, sendLine } from '../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
});
afterAll(async () => {
  await t.close();
});

const OCT = '2026-10-05T10:11:12+07:00';

async function statusOf(sendingId: number): Promise<number | null> {
  const row = await t.db
    .selectFrom('messages')
    .select('delivery_status')
    .where('sending_id', '=', sendingId)
    .executeTakeFirstOrThrow();
  return row.delivery_status;
}

/** The SQL merge function folded over the statuses in the order they were received: what R2 says the row holds. */
async function foldedBySql(statuses: ReadonlyArray<number>): Promise<number | null> {
  let status: number | null = null;
  for (const s of statuses) {
    const r = await sql<{
      s: number | null;
    }>`select merge_delivery_status(${status}::smallint, ${s}::smallint) as s`.execute(t.db);
    status = r.rows[0]!.s;
  }
  return status;
}

describe('R2: the first final status wins on every load path', () => {
  // Reject (6) arrives before its record, Cancel (5) after it, in the same batch.
  const order = [6, 5];

  it('R2: the COPY fast path (a new record) keeps the Reject that came first, not the later Cancel', async () => {
    await ingestLines(
      t.pool,
      [
        reportLine(1001, 6),
        sendLine({ customer: 'ACME', sendingid: 1001, sent_at: OCT }),
        reportLine(1001, 5),
      ],
      'fast.jsonl',
    );
    expect(await statusOf(1001)).toBe(await foldedBySql(order));
    expect(await statusOf(1001)).toBe(6);
  });

  it('R2: the staged path (a repeated record in the batch) agrees with the fast path and the SQL merge', async () => {
    const send = sendLine({ customer: 'ACME', sendingid: 1002, sent_at: OCT });
    await ingestLines(t.pool, [reportLine(1002, 6), send, send, reportLine(1002, 5)], 'staged.jsonl');
    expect(await statusOf(1002)).toBe(6);
  });

  it("R2: a report waiting from an earlier file comes before the batch's own reports", async () => {
    await ingestLines(t.pool, [reportLine(1003, 5)], 'early.jsonl');
    await ingestLines(
      t.pool,
      [
        reportLine(1003, 6),
        sendLine({ customer: 'ACME', sendingid: 1003, sent_at: OCT }),
        reportLine(1003, 4),
      ],
      'later.jsonl',
    );
    expect(await statusOf(1003)).toBe(await foldedBySql([5, 6, 4]));
    expect(await statusOf(1003)).toBe(5);
  });

  it('R2: a Reject in an earlier chunk of the same COPY unit than its record still beats a later Cancel', async () => {
    // 4096 lines make a chunk: the Reject is in the first, the record and the Cancel in the second.
    const filler = Array.from({ length: 4095 }, (_, i) =>
      sendLine({ customer: 'ACME', sendingid: 20_000 + i, sent_at: OCT }),
    );
    await ingestLines(
      t.pool,
      [
        reportLine(1004, 6),
        ...filler,
        sendLine({ customer: 'ACME', sendingid: 1004, sent_at: OCT }),
        reportLine(1004, 5),
      ],
      'chunks.jsonl',
    );
    expect(await statusOf(1004)).toBe(await foldedBySql([6, 5]));
    expect(await statusOf(1004)).toBe(6);
  });
});
