import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogs } from '../../src/ingest/ingest-log.ts';
import { loadLines } from '../../src/ingest/load-lines.ts';
import { logSource } from '../../src/ingest/read-lines.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, reportLine, sendLine, tempDir } from '../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
});
afterAll(async () => {
  await t.close();
});

const OCT = '2026-10-05T10:11:12+07:00';
const count = async (sql: string) => (await t.pool.query(sql)).rows[0].n as number;

describe('issue 16: idempotence by sendingid after the partitioning', () => {
  it('R2: a log loaded twice (COPY units first, the staged path on the rerun) stores each message once', async () => {
    const lines = Array.from({ length: 900 }, (_, i) =>
      i % 3 === 2
        ? reportLine(70_000 + i - 1, 4)
        : sendLine({ customer: 'ACME', sendingid: 70_000 + i, sent_at: OCT }),
    );
    const file = path.join(await tempDir(), 'twice.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const first = await ingestLogs(t.pool, [logSource(file)], { storeMessageText: false, batchLines: 250 });
    expect(first).toMatchObject({
      messagesLoaded: 600,
      duplicates: 0,
      reports: 300,
      reportsApplied: 300,
      rejected: 0,
    });
    const second = await ingestLogs(t.pool, [logSource(file)], { storeMessageText: false, batchLines: 250 });
    expect(second).toMatchObject({ messagesLoaded: 0, duplicates: 600, rejected: 0 });
    expect(
      await count('select count(*)::int as n from messages where sending_id between 70000 and 70899'),
    ).toBe(600);
    expect(
      await count('select count(*)::int as n from sending_ids where sending_id between 70000 and 70899'),
    ).toBe(600);
    expect(
      await count(
        'select count(*)::int as n from messages where sending_id between 70000 and 70899 and delivery_status = 4',
      ),
    ).toBe(300);
  });
});

describe('issue 16: loadLines, lines already read, in one unit of work', () => {
  it('R2/R3: says per line loaded, duplicate, report or rejected, and a second call finds duplicates', async () => {
    const input = [
      { source: 'api', lineNo: 1, text: sendLine({ customer: 'ACME', sendingid: 81_001, sent_at: OCT }) },
      { source: 'api', lineNo: 2, text: reportLine(81_001, 3) },
      { source: 'api', lineNo: 3, text: '{"customer":' },
      { source: 'api', lineNo: 4, text: sendLine({ customer: 'NOBODY', sendingid: 81_002, sent_at: OCT }) },
    ];
    const outcomes = await loadLines(t.pool, input, { storeMessageText: false });
    expect(outcomes.map((o) => o.outcome)).toEqual(['loaded', 'report', 'rejected', 'rejected']);
    expect(outcomes[3]).toMatchObject({ reason: expect.stringMatching(/unknown customer 'NOBODY'/) });
    const stored = await t.pool.query('select delivery_status from messages where sending_id = 81001');
    expect(stored.rows).toEqual([{ delivery_status: 3 }]);

    const again = await loadLines(t.pool, input.slice(0, 1), { storeMessageText: false });
    expect(again).toEqual([{ source: 'api', lineNo: 1, outcome: 'duplicate' }]);
    const other = sendLine({ customer: 'ACME', sendingid: 81_001, sent_at: OCT, message: 'other text' });
    const conflict = await loadLines(t.pool, [{ source: 'api', lineNo: 9, text: other }], {
      storeMessageText: false,
    });
    expect(conflict[0]).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/already loaded with other content/),
    });
    expect(await count("select count(*)::int as n from rejected_lines where file = 'api'")).toBe(3);
  });
});
