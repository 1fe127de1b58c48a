import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogs } from '../../src/ingest/ingest-log.ts';
import { logSource } from '../../src/ingest/read-lines.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, sendLine, tempDir } from '../support/fixtures.ts';

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
  dir = await tempDir();
});
afterAll(async () => {
  await t.close();
});

const OCT = '2026-10-05T10:11:12+07:00';
const NOW = new Date('2026-12-01T08:00:00+07:00');

async function ingestText(name: string, text: string, storeMessageText = false) {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return ingestLogs(t.pool, [logSource(file)], { storeMessageText, now: NOW });
}

async function loaded(ids: ReadonlyArray<number>): Promise<number[]> {
  const rows = await t.db
    .selectFrom('messages')
    .select('sending_id')
    .where('sending_id', 'in', ids)
    .execute();
  return rows.map((r) => Number(r.sending_id)).sort((a, b) => a - b);
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('issue 17: no line can stop an ingest', () => {
  it('a NUL in any field, a year 0000 or 10000, deep nesting and oversized lines are rejected with file:line, kept, and the good lines load', async () => {
    const good = (id: number) => sendLine({ customer: 'ACME', sendingid: id, sent_at: OCT });
    const lines = [
      good(1), // 1
      sendLine({ customer: 'ACME', sendingid: 2, sent_at: OCT, message: 'Kode\u0000 123456' }), // 2 NUL in the message
      JSON.stringify({
        customer: 'AC\u0000ME',
        sendingid: 3,
        number: '081234567890',
        message: 'x',
        sent_at: OCT,
      }), // 3
      JSON.stringify({
        customer: 'ACME',
        sendingid: 4,
        number: '081234567890',
        message: 'x',
        sent_at: OCT,
        product: '\u0000',
      }), // 4
      `{"customer":"ACME","sendingid":5,"number":"0812\u00003456","message":"x","sent_at":"${OCT}"}`, // 5 raw NUL byte
      sendLine({ customer: 'ACME', sendingid: 6, sent_at: '0000-01-01T00:00:00+07:00' }), // 6 year 0000
      sendLine({ customer: 'ACME', sendingid: 7, sent_at: '9999-12-31T23:59:59-07:00' }), // 7 year 10000 in UTC
      sendLine({ customer: 'ACME', sendingid: 8, sent_at: '10000-01-01T00:00:00+07:00' }), // 8 year 10000
      `{"customer":"ACME","sendingid":${deep(20000)},"number":"081234567890","message":"x","sent_at":"${OCT}"}`, // 9
      `{"customer":"ACME","sendingid":9,"number":"081234567890","message":"x","sent_at":"${OCT}","extra":${deep(50)}}`, // 10
      `{"status_respon":[{"sendingid":1,"deliverystatus":${deep(5000)}}]}`, // 11
      sendLine({ customer: 'ACME', sendingid: 12, sent_at: OCT, message: 'a'.repeat(200_000) }), // 12 oversized line
      sendLine({ customer: 'ACME', sendingid: 13, sent_at: OCT, number: '0'.repeat(5000) }), // 13 oversized field
      good(14), // 14
    ];
    const s = await ingestText('poison.jsonl', `${lines.join('\n')}\n`, true);
    expect(s.rejections.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(s.messagesLoaded).toBe(2);
    expect(await loaded([1, 14])).toEqual([1, 14]);
    const reason = Object.fromEntries(s.rejections.map((r) => [r.line, r.reason]));
    expect(reason[2]).toMatch(/^message holds a NUL character/);
    expect(reason[3]).toMatch(/^customer holds a NUL character/);
    expect(reason[4]).toMatch(/^product holds a NUL character/);
    expect(reason[5]).toMatch(/^number holds a NUL character/);
    expect(reason[6]).toMatch(/'0000-01-01T00:00:00\+07:00' is outside the years 1970–2099/);
    expect(reason[7]).toMatch(/outside the years 1970–2099/);
    expect(reason[8]).toMatch(/not a timestamp/);
    for (const line of [9, 10, 11]) expect(reason[line]).toMatch(/nested deeper than 16 levels/);
    expect(reason[12]).toMatch(/^the line is \d+ bytes long, over the limit of 65536/);
    expect(reason[13]).toMatch(/^number is a text of 5000 characters; at most 64 are read/);
    const kept = await t.db
      .selectFrom('rejected_lines')
      .select(['line_no', 'raw', 'fixable'])
      .where('file', 'like', '%poison.jsonl')
      .orderBy('line_no')
      .execute();
    expect(kept.map((r) => r.line_no)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(kept.every((r) => !r.raw.includes('\0') && !r.fixable)).toBe(true);
    expect(kept.find((r) => r.line_no === 5)!.raw).toContain('0812\\u00003456');
    expect(kept.find((r) => r.line_no === 12)!.raw.length).toBeLessThanOrEqual(4096);

    // A rerun stops at nothing either: the same lines, the same answers.
    const again = await ingestText('poison.jsonl', `${lines.join('\n')}\n`, true);
    expect(again).toMatchObject({ duplicates: 2, rejected: 12 });
  });

  it('lines are numbered by \\n only: a raw CR inside a line shifts no later line number; CRLF endings are fine', async () => {
    const text = [
      sendLine({ customer: 'ACME', sendingid: 101, sent_at: OCT }).replace(',"sendingid"', ',\r"sendingid"'), // 1: CR as JSON space
      `{"customer":"ACME","sendingid":102,"number":"081234567890","message":"Kode\r123","sent_at":"${OCT}"}`, // 2: CR in a string
      'not json\r\rat all', // 3
      sendLine({ customer: 'NOBODY', sendingid: 104, sent_at: OCT }), // 4
    ].join('\r\n');
    const s = await ingestText('cr.jsonl', `${text}\r\n`);
    expect(s.linesRead).toBe(4);
    expect(s.rejections.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(s.rejections[2]!.reason).toMatch(/unknown customer 'NOBODY'/);
    expect(await loaded([101])).toEqual([101]);
  });

  it("R1: a sent_at in 1999 or 2030 (far from the run's today) is loaded and counted as a warning with its line", async () => {
    const s = await ingestText(
      'odd-years.jsonl',
      `${[
        sendLine({ customer: 'ACME', sendingid: 201, sent_at: '1999-12-31T10:00:00+07:00' }),
        sendLine({ customer: 'ACME', sendingid: 202, sent_at: OCT }),
        sendLine({ customer: 'ACME', sendingid: 203, sent_at: '2030-01-02T10:00:00+07:00' }),
      ].join('\n')}\n`,
    );
    expect(s).toMatchObject({ messagesLoaded: 3, rejected: 0, warned: 2 });
    expect(s.warnings.map((w) => w.line)).toEqual([1, 3]);
    expect(s.warnings[0]!.reason).toMatch(
      /'1999-12-31T10:00:00\+07:00' is more than 366 days before today \(2026-12-01\)/,
    );
    expect(s.warnings[1]!.reason).toMatch(/is in the future/);
    expect(await loaded([201, 202, 203])).toEqual([201, 202, 203]);
  });

  it('a gzip stream on standard input is told by its magic bytes and loads', async () => {
    const gz = gzipSync(`${sendLine({ customer: 'ACME', sendingid: 301, sent_at: OCT })}\n`);
    const s = await ingestLogs(t.pool, [logSource('-', Readable.from([gz]))], {
      storeMessageText: false,
      now: NOW,
    });
    expect(s).toMatchObject({ linesRead: 1, messagesLoaded: 1, rejected: 0 });
  });

  it('damaged gzip data ends the run with a clear error naming the source and line, after loading what came before', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      sendLine({
        customer: 'ACME',
        sendingid: 400_000 + i,
        sent_at: OCT,
        message: `Kode ${i} ${'x'.repeat(i % 97)}`,
      }),
    );
    const gz = gzipSync(`${lines.join('\n')}\n`);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const run = ingestLogs(t.pool, [logSource('-', Readable.from([cut]))], {
      storeMessageText: false,
      now: NOW,
      batchLines: 500,
    });
    const error = await run.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /^stdin: the gzip data is damaged \(unexpected end of file\) after line \d+\./,
    );
    const reached = Number(/after line (\d+)/.exec(error!.message)![1]);
    expect(reached).toBeGreaterThan(0);
    expect(await loaded(lines.map((_, i) => 400_000 + i))).toHaveLength(reached);
  });
});
