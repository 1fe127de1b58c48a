import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, reportLine, sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

// Under vitest the ingest parses on its own thread (workers cannot load TypeScript there); the command run with
// VITEST unset reads and parses a file on the worker thread, as `npm run ingest` does (issue 16).
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

async function ingestOnWorker(file: string, code: number) {
  const result = await runCli('ingest', [file, '--json'], { DATABASE_URL: t.url, VITEST: '' });
  expect(result.code, result.stderr).toBe(code);
  return JSON.parse(result.stdout) as {
    linesRead: number;
    messagesLoaded: number;
    rejected: number;
    warned: number;
    rejections: Array<{ line: number; reason: string }>;
    warnings: Array<{ line: number; reason: string }>;
  };
}

describe('issue 16/17: the worker-thread file path keeps the ingest hardening', () => {
  it('R3: gzip told by its bytes, lines split at \\n only, an overlong line rejected at its true number', async () => {
    const lines = [
      sendLine({ customer: 'ACME', sendingid: 5001, sent_at: OCT, message: 'Kode\rOTP 1' }),
      `${sendLine({ customer: 'ACME', sendingid: 5002, sent_at: OCT })}\r`,
      JSON.stringify({
        customer: 'ACME',
        sendingid: 5003,
        sent_at: OCT,
        number: '0812',
        message: 'x'.repeat(70_000),
      }),
      sendLine({ customer: 'ACME', sendingid: 5004, sent_at: OCT }),
      sendLine({ customer: 'NOBODY', sendingid: 5005, sent_at: OCT }),
      sendLine({ customer: 'ACME', sendingid: 5006, sent_at: '2019-01-01T00:00:00+07:00' }),
    ];
    // named .log, not .gz: the magic bytes decide
    const file = path.join(dir, 'worker.log');
    await writeFile(file, gzipSync(`${lines.join('\n')}\n`));
    // exit 2: rejected lines are listed
    const summary = await ingestOnWorker(file, 2);
    expect(summary).toMatchObject({ lines_read: 6, messages_loaded: 4, rejected: 2, warned: 1 });
    expect(summary.rejections.map((r) => r.line)).toEqual([3, 5]);
    expect(summary.rejections[0]!.reason).toMatch(/over the limit/);
    expect(summary.warnings.map((w) => w.line)).toEqual([6]);
    const stored = await t.pool.query<{ line_no: number; fixable: boolean }>(
      'select line_no, fixable from rejected_lines where file = $1 order by line_no',
      [file],
    );
    expect(stored.rows).toEqual([
      { line_no: 3, fixable: false },
      { line_no: 5, fixable: true },
    ]);
  });

  it('R2: a Reject received before its record and a Cancel after it: the Reject stays', async () => {
    const file = path.join(dir, 'order.jsonl');
    await writeFile(
      file,
      `${[reportLine(5101, 6), sendLine({ customer: 'ACME', sendingid: 5101, sent_at: OCT }), reportLine(5101, 5)].join('\n')}\n`,
    );
    await ingestOnWorker(file, 0);
    const row = await t.pool.query('select delivery_status from messages where sending_id = 5101');
    expect(row.rows).toEqual([{ delivery_status: 6 }]);
  });
});
