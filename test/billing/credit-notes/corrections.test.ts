import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { loadReviewMonth } from '../../../src/review/load-review-month.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../../src/review/review-settings.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, ingestLines, reportLine, sendLine, tempDir } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
let env: Record<string, string>;

// The fixture: LATE sends 10 one-part messages to Telkomsel and 5 to XL in October 2026 (Rp 350 a part, 15 parts).
const send = (sendingid: number, number: string, day = '05') =>
  sendLine({ customer: 'LATE', sendingid, number, sent_at: `2026-10-${day}T10:00:00+07:00` });
const TELKOMSEL = '081234567890';
const XL = '081734567890';

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  const dir = await tempDir('tagih-corr-');
  config = { ...loadConfig({}), outDir: path.join(dir, 'out') };
  env = { DATABASE_URL: t.url, TAGIH_OUT: config.outDir };
  await addCustomers(t.db, ['LATE'], 10_000_000);
  const sends = [
    ...Array.from({ length: 10 }, (_, i) => send(1000 + i, TELKOMSEL)),
    ...Array.from({ length: 5 }, (_, i) => send(2000 + i, XL)),
  ];
  await ingestLines(t.pool, sends, 'october.jsonl');
  await runInvoiceMonth(database, config, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: new Date('2026-11-01T03:00:00Z'),
  });
  // After the invoice: 3 Telkomsel Cancels, 1 XL Reject, a Delivered report (changes nothing) and a late record.
  await ingestLines(
    t.pool,
    [
      reportLine(1000, 5),
      reportLine(1001, 5),
      reportLine(1002, 5),
      reportLine(2000, 6),
      reportLine(1003, 3),
      send(3000, TELKOMSEL, '20'),
    ],
    'late.jsonl',
  );
});
afterAll(async () => {
  await t.close();
});

describe('R16 corrections report', () => {
  it('R16: lists the late Cancel/Reject reports and late records of the month at the invoice prices, to the rupiah', async () => {
    const r = await runCli('corrections', ['--month', '2026-10', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { corrections } = JSON.parse(r.stdout);
    const lines = corrections.map((c: Record<string, unknown>) => [
      c.kind,
      `${c.product}/${c.operator}`,
      c.messages,
      c.parts,
      c.value,
    ]);
    expect(lines).toEqual([
      ['late_cancel', 'whatsapp_otp/telkomsel', 3, 3, 1_050],
      ['late_cancel', 'whatsapp_otp/xl', 1, 1, 350],
      ['late_record', 'whatsapp_otp/telkomsel', 1, 1, 350],
    ]);
    // The review page lists the same corrections for the month.
    const review = await loadReviewMonth(t.db, '2026-10', DEFAULT_REVIEW_SETTINGS);
    expect(review.corrections).toEqual(corrections);
    const text = await runCli('corrections', ['--month', '2026-10'], env);
    expect(text.stdout).toContain('late Cancel/Reject');
    expect(text.stdout).toContain('Rp 1.050');
  }, 120_000);

  it('R16: --credit asks first; with --yes it credits the late Cancel/Reject parts once', async () => {
    const refused = await runCli('corrections', ['--month', '2026-10', '--credit'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('add --yes');
    const r = await runCli('corrections', ['--month', '2026-10', '--credit', '--yes', '--json'], env);
    expect(r.code).toBe(0);
    const { credit_notes } = JSON.parse(r.stdout);
    expect(credit_notes).toHaveLength(1);
    expect(credit_notes[0].subtotal).toBe(1_400);
    const again = await runCli('corrections', ['--month', '2026-10', '--credit', '--yes'], env);
    expect(again.stdout).toContain('Nothing left to credit.');
    const show = await runCli('credit-notes', ['show', credit_notes[0].number], env);
    expect(show.stdout).toContain('whatsapp_otp/telkomsel: 3 parts × Rp 350 = Rp 1.050');
  }, 120_000);
});
