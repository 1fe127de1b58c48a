// Issue 13 / R10: a file ingest re-checks the quota of the customers of each batch it commits, not at the next hour.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendNow } from '../api/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, reportLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['CROSS', 'CALM']);
  // R10: a quota of Rp 3.500 is 10 one-part messages at the first tier's 350.
  await t.db.updateTable('customers').set({ quota_override: 3500 }).where('code', '=', 'CROSS').execute();
});
afterAll(async () => {
  await t.close();
});

describe('npm run ingest and the quota', () => {
  it('R10/issue 13: the ingest that takes a customer to 100 % leaves it suspended when the command ends', async () => {
    const file = path.join(await tempDir(), 'today.jsonl');
    const lines = [...Array.from({ length: 10 }, (_, i) => sendNow('CROSS', 100 + i)), sendNow('CALM', 200)];
    await writeFile(file, `${lines.join('\n')}\n`);
    const run = await runCli('ingest', [file], { DATABASE_URL: t.url });
    expect(run.code).toBe(0);
    const p = await t.db.selectFrom('sending_permission').selectAll().orderBy('customer_code').execute();
    expect(p.map((r) => [r.customer_code, r.allowed, r.reason, r.usage])).toEqual([
      ['CALM', true, null, 350],
      ['CROSS', false, 'quota', 3500],
    ]);
  });

  it('R10/R2/issue 13: a file of delivery reports only re-checks the customers they touch: a Reject gives usage back at once', async () => {
    const file = path.join(await tempDir(), 'reports.jsonl');
    await writeFile(file, `${reportLine(100, 6)}\n${reportLine(200, 3)}\n`);
    const run = await runCli('ingest', [file], { DATABASE_URL: t.url });
    expect(run.code).toBe(0);
    const p = await t.db.selectFrom('sending_permission').selectAll().orderBy('customer_code').execute();
    // CROSS is under its quota again, so its quota suspension is lifted by the re-check, not at the next hour.
    expect(p.map((r) => [r.customer_code, r.allowed, r.reason, r.usage])).toEqual([
      ['CALM', true, null, 350],
      ['CROSS', true, null, 3150],
    ]);
  });
});
