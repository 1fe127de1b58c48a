import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogs, replayRejected } from '../../src/ingest/ingest-log.ts';
import { logSource } from '../../src/ingest/read-lines.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, ingestLines, reportLine, sendLine, tempDir } from '../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'BETA']);
});
afterAll(async () => {
  await t.close();
});

async function message(sendingId: number) {
  return t.db.selectFrom('messages').selectAll().where('sending_id', '=', sendingId).executeTakeFirst();
}

const OCT = '2026-10-05T10:11:12+07:00';

describe('ingest of the gateway log', () => {
  it('R3/R4: loads a send record with its number normalised, operator, characters and parts', async () => {
    const s = await ingestLines(t.pool, [
      sendLine({
        customer: 'ACME',
        sendingid: 101,
        number: '+62 812-3456-7890',
        message: 'a'.repeat(1001),
        sent_at: OCT,
      }),
      sendLine({
        customer: 'ACME',
        sendingid: 102,
        number: '0857 1234 5678',
        message: '.'.repeat(501),
        sent_at: OCT,
      }),
      sendLine({
        customer: 'ACME',
        sendingid: 103,
        number: '0895-1112-2233',
        message: '👍'.repeat(600),
        sent_at: OCT,
      }),
    ]);
    expect(s).toMatchObject({ linesRead: 3, messagesLoaded: 3, rejected: 0 });
    expect(await message(101)).toMatchObject({
      number: '6281234567890',
      operator: 'telkomsel',
      characters: 1001,
      billable_characters: 1001,
      parts: 2,
      message_text: null,
    });
    expect(await message(102)).toMatchObject({
      operator: 'indosat',
      characters: 501,
      billable_characters: 1002,
      parts: 2,
    });
    expect(await message(103)).toMatchObject({ operator: 'three', characters: 600, parts: 1 });
    expect((await message(101))!.sent_at.toISOString()).toBe('2026-10-05T03:11:12.000Z');
  });

  it('R2: defaults are sendingstatus 10 and product whatsapp_otp; other statuses load but are not billable', async () => {
    await ingestLines(t.pool, [
      JSON.stringify({
        customer: 'ACME',
        sendingid: 111,
        number: '081234567890',
        message: 'x',
        sent_at: OCT,
      }),
      sendLine({ customer: 'ACME', sendingid: 112, sent_at: OCT, sendingstatus: 60, message: '' }),
    ]);
    expect(await message(111)).toMatchObject({ sending_status: 10, product: 'whatsapp_otp', billable: true });
    expect(await message(112)).toMatchObject({ sending_status: 60, parts: 0, billable: false });
  });

  it('every kind of bad line is reported with its line number, the good ones load, and nothing stops the file', async () => {
    const lines = [
      sendLine({ customer: 'ACME', sendingid: 201, sent_at: OCT }), // 1 good
      'not json at all', // 2
      sendLine({ customer: 'NOBODY', sendingid: 202, sent_at: OCT }), // 3 unknown customer
      JSON.stringify({ customer: 'ACME', number: '081234567890', message: 'x', sent_at: OCT }), // 4 no sendingid
      sendLine({ customer: 'ACME', sendingid: 204, sent_at: '2026-10-05T10:11:12' }), // 5 no offset
      sendLine({ customer: 'ACME', sendingid: 205, sent_at: OCT, message: '' }), // 6 empty message, status 10
      sendLine({ customer: 'ACME', sendingid: 201, sent_at: OCT, message: 'Kode OTP Anda 999999' }), // 7 same id, other content
      sendLine({ customer: 'ACME', sendingid: 207, sent_at: OCT, number: 'abc' }), // 8 bad number
      sendLine({ customer: 'ACME', sendingid: 208, sent_at: OCT, product: 'fax' }), // 9 unknown product
      sendLine({ customer: 'ACME', sendingid: 209, sent_at: OCT, sendingstatus: 11 }), // 10 bad status
      JSON.stringify({ status_respon: [{ sendingid: 201, deliverystatus: '9' }] }), // 11 bad delivery status
      '[1,2,3]', // 12 not an object
      sendLine({ customer: 'BETA', sendingid: 213, sent_at: OCT }), // 13 good
    ];
    const s = await ingestLines(t.pool, lines, 'bad.jsonl');
    expect(s.messagesLoaded).toBe(2);
    expect(s.rejected).toBe(11);
    expect(s.rejections.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const reasons = Object.fromEntries(s.rejections.map((r) => [r.line, r.reason]));
    expect(reasons[2]).toMatch(/not valid JSON/);
    expect(reasons[3]).toMatch(/unknown customer 'NOBODY'.*--replay/);
    expect(reasons[4]).toMatch(/sendingid/);
    expect(reasons[5]).toMatch(/time-zone offset/);
    expect(reasons[6]).toMatch(/empty message with sendingstatus 10/);
    expect(reasons[7]).toMatch(/other content/);
    expect(reasons[8]).toMatch(/not a phone number/);
    expect(reasons[9]).toMatch(/product 'fax' is unknown/);
    expect(reasons[10]).toMatch(/sendingstatus/);
    expect(reasons[11]).toMatch(/deliverystatus/);
    // OTP texts are secrets: no reason repeats a message text.
    for (const r of s.rejections) expect(r.reason).not.toMatch(/Kode OTP/);
    const stored = await t.db
      .selectFrom('rejected_lines')
      .select(['line_no', 'raw'])
      .where('file', 'like', '%bad.jsonl')
      .orderBy('line_no')
      .execute();
    expect(stored.map((r) => r.line_no)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(stored[0]!.raw).toBe('not json at all');

    // The same file again: the same totals, nothing counted twice, no rejected line stored twice.
    const again = await ingestLines(t.pool, lines, 'bad.jsonl');
    expect(again).toMatchObject({ messagesLoaded: 0, duplicates: 2, rejected: 11 });
    const count = await t.db
      .selectFrom('rejected_lines')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('file', 'like', '%bad.jsonl')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(11);
  });

  it('--replay loads a rejected line once its customer exists, and resolves it', async () => {
    const s = await ingestLines(
      t.pool,
      [sendLine({ customer: 'LATE', sendingid: 301, sent_at: OCT })],
      'late.jsonl',
    );
    expect(s.rejected).toBe(1);
    await addCustomers(t.db, ['LATE']);
    const replay = await replayRejected(t.pool, { storeMessageText: false });
    expect(replay.messagesLoaded).toBe(1);
    expect(await message(301)).toMatchObject({ parts: 1 });
    const open = await t.db
      .selectFrom('rejected_lines')
      .select('resolved_at')
      .where('file', 'like', '%late.jsonl')
      .executeTakeFirstOrThrow();
    expect(open.resolved_at).not.toBeNull();
    const second = await replayRejected(t.pool, { storeMessageText: false });
    expect(second.messagesLoaded).toBe(0);
  });

  it('R2: a report before its record waits and is applied when the record arrives', async () => {
    const early = await ingestLines(t.pool, [reportLine(401, 3)]);
    expect(early).toMatchObject({ reports: 1, reportsApplied: 0, reportsWaiting: 1 });
    await ingestLines(t.pool, [sendLine({ customer: 'ACME', sendingid: 401, sent_at: OCT })]);
    expect(await message(401)).toMatchObject({ delivery_status: 3, billable: true });
    expect(
      await t.db.selectFrom('pending_reports').selectAll().where('sending_id', '=', 401).executeTakeFirst(),
    ).toBeUndefined();
  });

  it('R2: statuses only move forward; Cancel and Reject are final; reports may come twice or out of order', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'ACME', sendingid: 501, sent_at: OCT }),
      sendLine({ customer: 'ACME', sendingid: 502, sent_at: OCT }),
    ]);
    await ingestLines(t.pool, [
      reportLine(501, 4),
      reportLine(501, 2),
      reportLine(501, 3),
      reportLine(501, 4),
    ]);
    expect(await message(501)).toMatchObject({ delivery_status: 4, billable: true });
    await ingestLines(t.pool, [reportLine(502, 7)]);
    await ingestLines(t.pool, [reportLine(502, 6)]);
    await ingestLines(t.pool, [reportLine(502, 3)]);
    expect(await message(502)).toMatchObject({ delivery_status: 6, billable: false });
    // Two finals in one file: the first one received wins.
    await ingestLines(t.pool, [
      reportLine(503, 5),
      reportLine(503, 6),
      sendLine({ customer: 'ACME', sendingid: 503, sent_at: OCT }),
    ]);
    expect(await message(503)).toMatchObject({ delivery_status: 5, billable: false });
  });

  it('marks the (customer, WIB day) of every change dirty for the rollup', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'BETA', sendingid: 601, sent_at: '2026-10-31T17:30:00Z' }),
    ]);
    const beta = await t.db
      .selectFrom('customers')
      .select('id')
      .where('code', '=', 'BETA')
      .executeTakeFirstOrThrow();
    const dirty = await t.db
      .selectFrom('daily_usage_dirty')
      .select('day')
      .where('customer_id', '=', beta.id)
      .execute();
    expect(dirty.map((d) => d.day)).toContain('2026-11-01');
  });

  it('reads gzipped files and standard input', async () => {
    const dir = await tempDir();
    const gz = path.join(dir, 'day.jsonl.gz');
    await writeFile(gz, gzipSync(`${sendLine({ customer: 'ACME', sendingid: 701, sent_at: OCT })}\n`));
    const fromGz = await ingestLogs(t.pool, [logSource(gz)], { storeMessageText: false });
    expect(fromGz.messagesLoaded).toBe(1);
    const stdin = Readable.from([`${sendLine({ customer: 'ACME', sendingid: 702, sent_at: OCT })}\n`]);
    const fromStdin = await ingestLogs(t.pool, [logSource('-', stdin)], { storeMessageText: false });
    expect(fromStdin.messagesLoaded).toBe(1);
  });

  it('keeps the message text only when configured', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'keep.jsonl');
    await writeFile(
      file,
      `${sendLine({ customer: 'ACME', sendingid: 801, sent_at: OCT, message: 'Kode 42' })}\n`,
    );
    await ingestLogs(t.pool, [logSource(file)], { storeMessageText: true });
    expect(await message(801)).toMatchObject({ message_text: 'Kode 42' });
  });

  it('loads across batch boundaries without losing or doubling a line', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) =>
      i % 5 === 4
        ? reportLine(900_000 + i - 1, 3)
        : sendLine({ customer: 'BETA', sendingid: 900_000 + i, sent_at: OCT }),
    );
    const dir = await tempDir();
    const file = path.join(dir, 'big.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const s = await ingestLogs(t.pool, [logSource(file)], { storeMessageText: false, batchLines: 300 });
    expect(s).toMatchObject({
      linesRead: 2500,
      messagesLoaded: 2000,
      reports: 500,
      reportsApplied: 500,
      rejected: 0,
    });
  });
});
