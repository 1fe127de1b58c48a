import { spawn } from 'node:child_process';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { type ReviewServer, startReviewServer } from '../../src/review/review-server.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/review/review-settings.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
import { prepareReviewMonth, REVIEW_NOW } from './review-data.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What evaluate() callbacks use of the page's window (the project compiles without the DOM library). */
interface BrowserGlobals {
  getComputedStyle(el: unknown): { textAlign: string };
}

let t: TestDatabase;
let database: Database;
let config: Config;
let server: ReviewServer;
let browser: Browser;
let page: Page;
let shots: string;

async function invoiceOf(code: string, live = true) {
  let q = t.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.review_state', 'i.review_note', 'i.status', 'i.replaces_invoice_id'])
    .where('c.code', '=', code)
    .where('i.period', '=', '2026-10-01');
  if (live) q = q.where('i.status', '<>', 'void');
  return q.orderBy('i.id', 'desc').executeTakeFirstOrThrow();
}

async function mailOf(invoiceId: number) {
  // R16: a reissued invoice's one mail is 'invoice_replaced' (the old number cancelled and replaced).
  return t.db
    .selectFrom('mail_outbox')
    .select(['id', 'status'])
    .where('invoice_id', '=', invoiceId)
    .where('kind', 'in', ['invoice_issued', 'invoice_replaced'])
    .executeTakeFirstOrThrow();
}

async function emlFiles(): Promise<string[]> {
  return (await readdir(path.join(config.outDir, 'outbox'))).filter((f) => f.endsWith('.eml')).sort();
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Clicks a button that posts a form and waits for the page the server redirects to. */
async function submit(button: Locator): Promise<void> {
  await Promise.all([page.waitForURL(/done=/), button.click()]);
}

function rowOf(code: string) {
  return page.locator(`tr[data-customer="${code}"]:not(.row-void)`);
}

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = {
    ...loadConfig({}),
    outDir: await tempDir('tagih-review-'),
    smtpUrl: null,
    operatorName: 'Sari (finance)',
    reviewToken: null,
  };
  await prepareReviewMonth(database, config);
  server = await startReviewServer(database, config, {
    port: 0,
    month: '2026-10',
    settings: DEFAULT_REVIEW_SETTINGS,
    now: () => REVIEW_NOW,
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  // A shared 2-core CI machine runs the other test files beside this one: give the browser room.
  page.setDefaultTimeout(120_000);
  shots = await tempDir('tagih-review-shots-');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe('review page in a real browser', { timeout: 240_000 }, () => {
  let emlBefore: string[];

  it('shows the month: summary, flags on the prepared data, customers not invoiced', async () => {
    emlBefore = await emlFiles();
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(await text(page.locator('h1'))).toBe('Oktober 2026');
    const cards = page.locator('.card');
    expect(await text(cards.nth(0))).toContain('Diterbitkan');
    expect(await text(cards.nth(0).locator('.card-value'))).toBe('5');
    expect(await text(cards.nth(1).locator('.card-value'))).toBe('1');
    expect(await text(cards.nth(2).locator('.card-value'))).toBe('2');

    expect(await text(rowOf('GAMA').locator('.flag-usage_changed'))).toContain('×3,0');
    expect(await text(rowOf('DELTA').locator('.flag-other_share'))).toContain('40%');
    expect(await rowOf('EKA').locator('.flag-quota_reached').isVisible()).toBe(true);
    expect(await rowOf('EKA').locator('.flag-above_threshold').isVisible()).toBe(true);
    expect(await rowOf('ALFA').locator('.flag').count()).toBe(0);
    expect(await rowOf('BETA').locator('.flag').count()).toBe(0);
    const attention = page.locator('.attention');
    expect(await text(attention.locator('tr', { hasText: 'GITA' }))).toContain('Ditunda');
    expect(await text(attention.locator('tr', { hasText: 'GITA' }))).toContain('no price list');
    expect(await text(attention.locator('tr', { hasText: 'FAJAR' }))).toContain('Pemakaian berhenti');
    // Rupiah right-aligned, as finance reads them.
    const total = rowOf('ALFA').locator('td.num').nth(3);
    expect(
      await total.evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).textAlign),
    ).toBe('right');
    expect(await text(total)).toMatch(/^Rp \d{1,3}(\.\d{3})*$/);

    const file = path.join(shots, 'review-month.png');
    await page.screenshot({ path: file, fullPage: true });
    await copyFile(file, '/tmp/review-screenshot.png');
  });

  it('sorts and filters through query parameters (no JavaScript needed)', async () => {
    await page.goto(`${server.url}?sort=total&dir=desc`);
    expect(await page.locator('table.invoices tbody tr').first().getAttribute('data-customer')).toBe('EKA');
    await page.goto(`${server.url}?show=flagged`);
    const codes = await page
      .locator('table.invoices tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer')));
    expect(codes.sort()).toEqual(['DELTA', 'EKA', 'GAMA']);
    await page.goto(`${server.url}?q=alfa`);
    expect(await page.locator('table.invoices tbody tr').count()).toBe(1);
  });

  it('opens an invoice: its PDF in the page, the detail CSV, its history', async () => {
    await page.goto(server.url);
    const pdf = page.waitForResponse((r) => /\/invoice\/\d+\/pdf$/.test(r.url()));
    await rowOf('GAMA').locator('a.inv-no').click();
    const response = await pdf;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(await page.locator('iframe[src*="/pdf"]').isVisible()).toBe(true);
    const gama = await invoiceOf('GAMA');
    expect(await text(page.locator('h1'))).toBe(gama.number);
    expect(await text(page.locator('.flag-list'))).toContain('Pemakaian naik');
    expect(await text(page.locator('.history'))).toContain('Diterbitkan');

    const csv = await page.request.get(new URL(`/invoice/${gama.id}/detail`, server.url).toString());
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toBe(
      'sending_id,sent_at,number,operator,product,status,characters,billable_characters,parts,unit_price,amount',
    );
    // Chromium's PDF viewer draws in a frame of its own, a moment after the file arrived.
    for (let i = 0; i < 50 && !page.frames().some((f) => f.url().startsWith('chrome-extension://')); i++) {
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, 'review-invoice.png') });
  });

  it('holds one invoice with a reason', async () => {
    const gama = await invoiceOf('GAMA');
    await page.goto(new URL(`/invoice/${gama.id}`, server.url).toString());
    await page.fill('#hold-reason', 'Pemakaian naik tiga kali lipat; konfirmasi ke sales dulu');
    await submit(page.getByRole('button', { name: /Tahan/ }));
    expect(await text(page.locator('.notice'))).toContain('Faktur ditahan');
    expect(await text(page.locator('.banner-held'))).toContain('konfirmasi ke sales');
    expect(await text(page.locator('.history'))).toContain('oleh Sari (finance)');
  });

  it('approves the rest: exactly their mails are released and sent, the held one stays held', async () => {
    await page.goto(server.url);
    // The select-all box takes the invoices awaiting review, not the held one.
    await page.locator('[data-select-all]').check();
    expect(await page.locator('input[name="id"]:checked').count()).toBe(4);
    expect(await rowOf('GAMA').locator('input[name="id"]').isChecked()).toBe(false);
    await submit(page.locator('button[value="selected"]'));
    expect(await text(page.locator('.notice'))).toContain('4 faktur disetujui · 4 surel terkirim');
    await page.screenshot({ path: path.join(shots, 'review-approved.png'), fullPage: true });

    const gama = await invoiceOf('GAMA');
    expect(gama.review_state).toBe('held');
    expect(gama.review_note).toBe('Pemakaian naik tiga kali lipat; konfirmasi ke sales dulu');
    expect((await mailOf(gama.id)).status).toBe('held');
    const released = new Map<string, string>();
    for (const code of ['ALFA', 'BETA', 'DELTA', 'EKA']) {
      const inv = await invoiceOf(code);
      expect(inv.review_state).toBe('approved');
      const mail = await mailOf(inv.id);
      expect(mail.status).toBe('sent');
      released.set(`${mail.id}-invoice_issued.eml`, inv.number);
    }
    const added = (await emlFiles()).filter((f) => !emlBefore.includes(f));
    expect(added.sort()).toEqual([...released.keys()].sort());
    for (const file of added) {
      expect(await readFile(path.join(config.outDir, 'outbox', file), 'utf8')).toContain(released.get(file));
    }

    const events = await t.db
      .selectFrom('invoice_events')
      .select(['event', 'actor', 'at'])
      .where('event', 'in', ['approved', 'held'])
      .execute();
    expect(events.filter((e) => e.event === 'approved')).toHaveLength(4);
    expect(events.filter((e) => e.event === 'held')).toHaveLength(1);
    expect(events.every((e) => e.actor === 'Sari (finance)' && e.at.getTime() === REVIEW_NOW.getTime())).toBe(
      true,
    );
  });

  it('refuses a cross-site POST (403) and changes nothing', async () => {
    const alfa = await invoiceOf('ALFA');
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form id="f" method="post" action="${new URL(`/invoice/${alfa.id}/hold`, server.url)}">
        <input name="reason" value="stop this invoice"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const refused = page.waitForResponse((r) => r.url().endsWith(`/invoice/${alfa.id}/hold`));
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      expect((await refused).status()).toBe(403);
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
    // Even the page's own token does not help a request from another origin.
    await page.goto(server.url);
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const target = new URL(`/invoice/${alfa.id}/hold`, server.url).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await fetch(target, {
      method: 'POST',
      headers: { ...form, origin: 'http://evil.example' },
      body: new URLSearchParams({ csrf, reason: 'stop this invoice' }),
    });
    expect(foreign.status).toBe(403);
    const tokenless = await fetch(target, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ reason: 'stop this invoice' }),
    });
    expect(tokenless.status).toBe(403);
    expect((await invoiceOf('ALFA')).review_state).toBe('approved');
  });

  it('voids and reissues an invoice under the next number; the void one stays visible', async () => {
    const old = await invoiceOf('BETA');
    await page.goto(new URL(`/invoice/${old.id}`, server.url).toString());
    page.once('dialog', (d) => d.accept());
    await page.fill('#void-reason', 'Laporan pengiriman terlambat sudah diperbaiki');
    await submit(page.getByRole('button', { name: /Batalkan & terbitkan ulang/ }));
    expect(await text(page.locator('.notice'))).toContain(`menggantikan ${old.number}`);

    const fresh = await invoiceOf('BETA');
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.replaces_invoice_id).toBe(old.id);
    expect(fresh.review_state).toBe('awaiting_review');
    expect((await mailOf(fresh.id)).status).toBe('held');
    const voided = await t.db
      .selectFrom('invoices')
      .select(['status', 'void_reason', 'sequence'])
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    expect(voided).toMatchObject({
      status: 'void',
      void_reason: 'Laporan pengiriman terlambat sudah diperbaiki',
    });
    const max = await t.db
      .selectFrom('invoices')
      .select((eb) => eb.fn.max('sequence').as('max'))
      .executeTakeFirstOrThrow();
    expect(fresh.number.endsWith(String(max.max).padStart(5, '0'))).toBe(true);
    expect(await text(page.locator('.history'))).toContain('Diterbitkan ulang');
    // R16: the void invoice's history shows the credit note that cancels it.
    await page.goto(new URL(`/invoice/${old.id}`, server.url).toString());
    expect(await text(page.locator('.history'))).toMatch(/Nota kredit[\s\S]*CN\/\d{4}\/\d{2}\/\d{5}/);

    await page.goto(server.url);
    expect(await text(page.locator('tr.row-void[data-customer="BETA"]'))).toContain(old.number);
    // The reissued invoice is the only one pending and unflagged: "approve all unflagged" asks first, then sends it.
    await Promise.all([
      page.waitForURL(/\/approve$/),
      page.getByRole('button', { name: /Setujui semua tanpa tanda \(1\)/ }).click(),
    ]);
    expect(await text(page.locator('h1'))).toContain('Setujui 1 faktur tanpa tanda?');
    expect(await text(page.locator('.confirm-list'))).toContain(fresh.number);
    expect((await mailOf(fresh.id)).status).toBe('held');
    await page.screenshot({ path: path.join(shots, 'review-confirm.png') });
    await submit(page.getByRole('button', { name: /Ya, setujui & kirim 1 surel/ }));
    expect(await text(page.locator('.notice'))).toContain('1 faktur disetujui · 1 surel terkirim');
    expect((await mailOf(fresh.id)).status).toBe('sent');
    expect((await mailOf((await invoiceOf('GAMA')).id)).status).toBe('held');
  });
});

describe('access', { timeout: 240_000 }, () => {
  it('with an access token: refused without it, moved into a cookie on the first visit', async () => {
    const guarded = await startReviewServer(
      database,
      { ...config, reviewToken: 'k3y-for-the-team' },
      { port: 0, month: '2026-10', settings: DEFAULT_REVIEW_SETTINGS, now: () => REVIEW_NOW },
    );
    try {
      const base = guarded.url.split('?')[0]!;
      expect(guarded.url).toContain('?token=k3y-for-the-team');
      expect((await fetch(base)).status).toBe(401);
      expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
      const first = await fetch(guarded.url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('/month/2026-10');
      const cookie = first.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^tagih_review=k3y-for-the-team; HttpOnly; SameSite=Strict/);
      const page = await fetch(base, { headers: { cookie: cookie.split(';')[0]! } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Oktober 2026');
    } finally {
      await guarded.close();
    }
  });

  it('without a token, answers to loopback names only (no DNS rebinding)', async () => {
    // fetch() cannot set Host; node:http can, as a rebinding page's browser would.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(server.url, { headers: { host: `rebind.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('npm run review prints the URL, serves the month and stops on Ctrl+C', async () => {
    const { SMTP_URL: _ignored, ...env } = process.env;
    // One process (node --import tsx), so Ctrl+C reaches the command itself.
    const args = ['--import', 'tsx', 'src/cli/review.ts', '--month', '2026-10', '--port', '0'];
    const child = spawn(process.execPath, args, {
      env: { ...env, DATABASE_URL: t.url, TAGIH_OUT: config.outDir, TAGIH_REVIEW_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Review page for 2026-10: (http:\/\/127\.0\.0\.1:\d+\/month\/2026-10)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`review exited with ${code}: ${out}`)));
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Oktober 2026');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});
