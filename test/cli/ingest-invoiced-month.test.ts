import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-late-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out') };
  await addCustomers(t.db, ['ACME', 'BETA']);
});
afterAll(async () => {
  await t.close();
});

async function log(name: string, lines: ReadonlyArray<string>): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, `${lines.join('\n')}\n`);
  return f;
}

describe('npm run ingest of records for a month already invoiced', () => {
  it('R7: prints how many, for which customers and their value; the invoice stays as issued', async () => {
    const october = await log('oct.jsonl', [
      sendLine({ customer: 'ACME', sendingid: 1, sent_at: '2026-10-05T10:00:00+07:00' }),
    ]);
    expect((await runCli('ingest', [october], env)).code).toBe(0);
    const issued = await runCli(
      'invoice',
      ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email'],
      env,
    );
    expect(issued.code).toBe(0);

    const late = await log('late.jsonl', [
      sendLine({ customer: 'ACME', sendingid: 2, sent_at: '2026-10-30T10:00:00+07:00' }),
      sendLine({ customer: 'ACME', sendingid: 3, sent_at: '2026-10-31T23:59:00+07:00' }),
      sendLine({ customer: 'BETA', sendingid: 4, sent_at: '2026-10-15T10:00:00+07:00' }), // BETA has no October invoice
      sendLine({ customer: 'ACME', sendingid: 5, sent_at: '2026-11-01T00:00:00+07:00' }), // November: not invoiced
    ]);
    const r = await runCli('ingest', [late], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '2 record(s) belong to months already invoiced; they stay unbilled until a credit note or a correction handles them:',
    );
    // One part each at the invoice's price for ACME's telkomsel line (350: the month had 1 part).
    expect(r.stdout).toMatch(
      /ACME 2026-10 \(INV\/2026\/11\/00001\): 2 record\(s\), 2 part\(s\), value Rp 700 before PPN/,
    );
    expect(r.stdout).not.toContain('BETA 2026-10');
    const json = await runCli(
      'ingest',
      [
        await log('again.jsonl', [
          sendLine({ customer: 'ACME', sendingid: 6, sent_at: '2026-10-20T10:00:00+07:00' }),
        ]),
        '--json',
      ],
      env,
    );
    expect(JSON.parse(json.stdout).invoiced_months).toEqual([
      {
        customer_code: 'ACME',
        month: '2026-10',
        invoice_number: 'INV/2026/11/00001',
        records: 1,
        parts: 1,
        value: 350,
      },
    ]);
  });
});
