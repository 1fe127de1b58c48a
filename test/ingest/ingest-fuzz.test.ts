import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogs } from '../../src/ingest/ingest-log.ts';
import { logSource } from '../../src/ingest/read-lines.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, tempDir } from '../support/fixtures.ts';

// Issue 17: generated gateway logs, good lines mixed with every kind of bad one, on real PostgreSQL. Each line
// is built knowing whether it must load, so the oracle is the generator, not the parser under test.

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'BETA']);
  dir = await tempDir();
});
afterAll(async () => {
  await t.close();
});

const NOW = new Date('2026-12-01T08:00:00+07:00');

/** A line as generated: its bytes (without '\n'), and whether it must load (a send record or a report). */
interface Line {
  readonly bytes: Buffer;
  readonly good: boolean;
}

type Record = { [key: string]: unknown };

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

const number = fc.oneof(
  fc.stringMatching(/^0812\d{7,8}$/),
  fc.stringMatching(/^\+62 857-\d{4}-\d{4}$/),
  fc.stringMatching(/^\(0896\) \d{4} \d{4}$/),
  fc.stringMatching(/^008 62 838 \d{4} \d{3}$/),
  fc.stringMatching(/^\+65 9\d{3} \d{4}$/),
);
const message = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'Kode OTP Anda 0123456789.,!@#'),
    fc.constantFrom('👍', 'é', '\n', '"', '\\', '\t'),
  ),
  minLength: 1,
  maxLength: 300,
});
const sentAt = fc
  .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-11-30T00:00:00Z') })
  .map((ms) => `${new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`);

/** A good send record (its sendingid is filled in by position). */
const goodRecord = fc.record({
  customer: fc.constantFrom('ACME', 'BETA'),
  number,
  message,
  sent_at: sentAt,
  sendingstatus: fc.constantFrom(10, 10, 10, 60),
});

/** JSON text with a CR between tokens (JSON white space) now and then: it must not start a new line. */
function serialise(record: Record, cr: boolean): string {
  const json = JSON.stringify(record);
  return cr ? json.replace(',"number"', ',\r"number"') : json;
}

const FIELDS = ['customer', 'number', 'message', 'sent_at'] as const;

function deep(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** Every kind of bad line, each certain to be rejected. */
const badLine: fc.Arbitrary<(record: Record) => Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), fc.boolean()).map(([field, rawByte]) => (r: Record) => {
    const json = JSON.stringify({ ...r, [field]: `${String(r[field])}\u0000` });
    return text(rawByte ? json.replace('\\u0000', '\u0000') : json);
  }),
  fc
    .constantFrom(
      '0000-01-01T00:00:00+07:00',
      '9999-12-31T23:59:59-07:00',
      '10000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
    )
    .map((s) => (r: Record) => text(JSON.stringify({ ...r, sent_at: s }))),
  fc.tuple(fc.constantFrom('sendingid', 'customer', 'extra'), fc.integer({ min: 17, max: 3000 })).map(
    ([field, depth]) =>
      (r: Record) =>
        text(JSON.stringify({ ...r, [field]: 0 }).replace(`"${field}":0`, `"${field}":${deep(depth)}`)),
  ),
  fc
    .constantFrom('message', 'number', 'customer')
    .map(
      (field) => (r: Record) =>
        text(JSON.stringify({ ...r, [field]: field === 'message' ? 'a'.repeat(70_000) : '9'.repeat(65) })),
    ),
  fc.constant((r: Record) => text(JSON.stringify(r).replace('"message":"', '"message":"\r'))),
  fc.constant((r: Record) => text(JSON.stringify({ ...r, customer: 'NOBODY' }))),
  fc.constant((r: Record) => text(JSON.stringify({ ...r, number: 'Kode OTP 123456' }))),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .filter(
      (s) => !s.includes('\n') && !s.includes('ACME') && !s.includes('BETA') && !s.includes('status_respon'),
    )
    .map((s) => () => text(s)),
  fc
    .uint8Array({ maxLength: 200 })
    .filter((b) => !b.includes(10))
    .map((b) => () => Buffer.from(b)),
  fc
    .json()
    .filter((s) => !s.includes('ACME') && !s.includes('BETA') && !s.includes('status_respon'))
    .map((s) => () => text(s)),
);

type Slot =
  | { kind: 'send'; record: Record; cr: boolean }
  | { kind: 'report'; status: number }
  | { kind: 'bad'; make: (r: Record) => Buffer; record: Record };

const slot: fc.Arbitrary<Slot> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('send' as const), record: goodRecord, cr: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('report' as const), status: fc.constantFrom(2, 3, 4, 5, 6, 7) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('bad' as const), make: badLine, record: goodRecord }),
  },
);

let run = 0;
let linesGenerated = 0;

function build(slots: ReadonlyArray<Slot>, base: number): { lines: Line[]; goodIds: number[] } {
  const goodIds: number[] = [];
  const lines = slots.map((s, i): Line => {
    const sendingid = base + i;
    if (s.kind === 'send') {
      goodIds.push(sendingid);
      return { bytes: text(serialise({ ...s.record, sendingid }, s.cr)), good: true };
    }
    if (s.kind === 'report') {
      const target = goodIds.length > 0 ? goodIds[i % goodIds.length]! : base + 999_999;
      const report = {
        status_respon: [{ sendingid: target, number: '6281234567890', deliverystatus: String(s.status) }],
      };
      return { bytes: text(JSON.stringify(report)), good: true };
    }
    return { bytes: s.make({ ...s.record, sendingid }), good: false };
  });
  return { lines, goodIds };
}

describe('issue 17: a fuzzed gateway log never stops the ingest', () => {
  it('no crash, every bad line reported at its own line number, every good line loaded (≥ 10 000 lines)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(slot, { minLength: 1000, maxLength: 1200 }),
        fc.boolean(),
        async (slots, crlf) => {
          run += 1;
          const base = run * 10_000_000;
          const { lines, goodIds } = build(slots, base);
          linesGenerated += lines.length;
          const file = path.join(dir, `fuzz-${run}.jsonl`);
          const eol = text(crlf ? '\r\n' : '\n');
          await writeFile(file, Buffer.concat(lines.flatMap((l) => [l.bytes, eol])));

          const s = await ingestLogs(t.pool, [logSource(file)], {
            storeMessageText: true,
            maxListed: 1_000_000,
            now: NOW,
            batchLines: 400,
          });

          expect(s.linesRead).toBe(lines.length);
          const bad = lines.flatMap((l, i) => (l.good ? [] : [i + 1]));
          expect(s.rejections.map((r) => r.line)).toEqual(bad);
          expect(s.rejected).toBe(bad.length);
          const loaded = await t.db
            .selectFrom('messages')
            .select((e) => e.fn.countAll<string>().as('n'))
            .where('sending_id', '>=', base)
            .where('sending_id', '<', base + 10_000_000)
            .executeTakeFirstOrThrow();
          expect(Number(loaded.n)).toBe(goodIds.length);
          expect(s.messagesLoaded).toBe(goodIds.length);
        },
      ),
      { numRuns: 10 },
    );
    expect(linesGenerated).toBeGreaterThanOrEqual(10_000);
    console.log(`fuzzed ingest: ${linesGenerated} lines in ${run} files`);
  });
});
