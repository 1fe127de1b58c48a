import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { invoicePathsOf } from '../../src/documents/invoice-paths.ts';
import { CURRENT_TEMPLATE_VERSION } from '../../src/documents/invoice-template.ts';
import { type ReviewServer, startReviewServer } from '../../src/review/review-server.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/review/review-settings.ts';
import { addReviewUser } from '../../src/review/review-users.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
import { pdfText } from '../support/pdf-text.ts';
import { runCli } from '../support/run-cli.ts';
import { prepareReviewMonth, REVIEW_NOW } from './review-data.ts';

let t: TestDatabase;
let config: Config;
let server: ReviewServer;
let cookie: string;

const USER = 'sari';
const PASSWORD = 'kata-sandi-sari-2026';

async function octoberInvoice(code: string) {
  return t.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.template_version'])
    .where('c.code', '=', code)
    .where('i.period', '=', '2026-10-01')
    .executeTakeFirstOrThrow();
}

/** A GET or form POST over real HTTP, redirects not followed. */
async function call(url: string, form?: Record<string, string>) {
  const origin = new URL(server.url).origin;
  const res = await fetch(new URL(url, origin), {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...(form ? { origin } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const flat = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await createTestDatabase();
  const database: Database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-review-faktur-'), smtpUrl: null };
  // The real invoice run: October issued under the current template, its PDFs written.
  await prepareReviewMonth(database, config);
  await addReviewUser(t.db, USER, PASSWORD);
  server = await startReviewServer(database, config, {
    port: 0,
    month: '2026-10',
    settings: DEFAULT_REVIEW_SETTINGS,
    now: () => REVIEW_NOW,
  });
  cookie = '';
  const login = await call('/login');
  const csrf = /name="csrf" value="([^"]+)"/.exec(login.body)![1]!;
  const done = await call('/login', { csrf, name: USER, password: PASSWORD, next: '/month/2026-10' });
  expect(done.status).toBe(303);
  cookie = done.headers.get('set-cookie')!.split(';')[0]!;
}, 240_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe('R17: No. Faktur Pajak on the review page and the re-rendered PDF', { timeout: 240_000 }, () => {
  it('R17: before any import, each invoice says its faktur number is not there yet', async () => {
    const alfa = await octoberInvoice('ALFA');
    const page = await call(`/invoice/${alfa.id}`);
    expect(page.status).toBe(200);
    expect(flat(page.body)).toContain('No. Faktur Pajak Tax invoice no. belum ada not yet imported');
    const month = flat((await call('/month/2026-10')).body);
    expect(month).toContain('No. Faktur Pajak Tax invoice no. 0 5 belum ada not yet imported');
  });

  it('R17: after import-numbers, the invoice page, the month count and the month-run PDF show the number', async () => {
    const alfa = await octoberInvoice('ALFA');
    const beta = await octoberInvoice('BETA');
    expect(alfa.template_version).toBe(CURRENT_TEMPLATE_VERSION);
    const pdf = invoicePathsOf(config.outDir, '2026-10', alfa.number, 'ALFA').pdf;
    expect(await pdfText(pdf)).not.toContain('Faktur Pajak');

    const csv = path.join(config.outDir, 'faktur-numbers.csv');
    await writeFile(csv, `reference,tax_invoice_number,date\n${alfa.number},04002600000000777,2026-11-01\n`);
    const env = { DATABASE_URL: t.url, TAGIH_OUT: config.outDir };
    const r = await runCli('efaktur', ['import-numbers', csv], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 stored');
    expect(r.stdout).toContain('1 PDF(s) re-rendered with No. Faktur Pajak.');
    // The file the month run wrote, now with the number (and still marked demo: this config has the defaults).
    const text = await pdfText(pdf);
    expect(text).toContain('No. Faktur Pajak Tax invoice no. 04002600000000777');
    expect(text).toContain('NPWP 0000000000000000 · NITKU 0000000000000000000000 (demo)');

    expect(flat((await call(`/invoice/${alfa.id}`)).body)).toContain(
      'No. Faktur Pajak Tax invoice no. 04002600000000777 · 1 Nov 2026',
    );
    expect(flat((await call(`/invoice/${beta.id}`)).body)).toContain(
      'No. Faktur Pajak Tax invoice no. belum ada not yet imported',
    );
    const month = flat((await call('/month/2026-10')).body);
    expect(month).toContain('No. Faktur Pajak Tax invoice no. 1 4 belum ada not yet imported');

    const again = await runCli('efaktur', ['import-numbers', csv], env);
    expect(again.stdout).toContain('0 stored, 1 unchanged');
    expect(again.stdout).toContain('0 PDF(s) re-rendered with No. Faktur Pajak.');
  });
});
