import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(await tempDir('tagih-nothing-'), 'out') };
  await addCustomers(t.db, ['ACME']);
});
afterAll(async () => {
  await t.close();
});

describe('npm run invoice on a month with no usage', () => {
  it('R7: says there is nothing to bill and exits 3, so cron can tell it from a billed month', async () => {
    const r = await runCli(
      'invoice',
      ['--month', '2026-09', '--issue-date', '2026-10-01', '--no-email'],
      env,
    );
    expect(r.stdout).toContain(
      'No customer has billable usage in 2026-09: nothing to bill, no invoice issued (exit code 3).',
    );
    expect(r.code).toBe(3);
  });

  it('R2/R7: only non-billable messages are still nothing to bill (exit 3); a billed month exits 0', async () => {
    await insertMessages(t.db, {
      customer: 'ACME',
      count: 2,
      sendingStatus: 60,
      from: '2026-08-03T10:00:00+07:00',
    });
    const quiet = await runCli(
      'invoice',
      ['--month', '2026-08', '--issue-date', '2026-09-01', '--json', '--no-email'],
      env,
    );
    expect(quiet.code).toBe(3);
    expect(JSON.parse(quiet.stdout)).toMatchObject({ nothing_to_bill: true, issued: [], skipped: ['ACME'] });
    await insertMessages(t.db, { customer: 'ACME', count: 2, from: '2026-07-03T10:00:00+07:00' });
    const billed = await runCli(
      'invoice',
      ['--month', '2026-07', '--issue-date', '2026-08-01', '--no-email'],
      env,
    );
    expect(billed.code).toBe(0);
  });
});
