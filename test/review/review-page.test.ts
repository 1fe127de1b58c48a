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
import { SESSION_COOKIE } from '../../src/review/review-sessions.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/review/review-settings.ts';
import { addReviewUser } from '../../src/review/review-users.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';
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
/** The browser's session cookie, for requests made beside the browser. */
let session: string;

const USER = 'sari';
const PASSWORD = 'kata-sandi-sari-2026';

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
  await addReviewUser(t.db, USER, PASSWORD);
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
  // Issue 17: nothing without logging in; the login form leads back to the page asked for.
  const first = await page.goto(server.url);
  expect(first?.status()).toBe(401);
  await page.fill('#login-name', USER);
  await page.fill('#login-password', PASSWORD);
  await Promise.all([page.waitForURL(/\/month\/2026-10$/), page.locator('.login-form button').click()]);
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
  session = `${SESSION_COOKIE}=${cookie.value}`;
}, 240_000);

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
    expect(await text(page.locator('.history'))).toContain(`oleh ${USER}`);
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
    // Issue 17: the events name the logged-in user, not the OS account nor TAGIH_OPERATOR.
    expect(events.every((e) => e.actor === USER && e.at.getTime() === REVIEW_NOW.getTime())).toBe(true);
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
    // Even the page's own CSRF token and a valid session do not help a request from another origin.
    await page.goto(server.url);
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const target = new URL(`/invoice/${alfa.id}/hold`, server.url).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await fetch(target, {
      method: 'POST',
      headers: { ...form, cookie: session, origin: 'http://evil.example' },
      body: new URLSearchParams({ csrf, reason: 'stop this invoice' }),
    });
    expect(foreign.status).toBe(403);
    const tokenless = await fetch(target, {
      method: 'POST',
      headers: { ...form, cookie: session },
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

/** A request through node:http, which (unlike fetch) may set Host and Origin as a proxy or a browser would. */
function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  const headers = {
    ...opts.headers,
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0]!;

describe('access (issue 17: the review page has a login)', { timeout: 240_000 }, () => {
  it('a local user without a session gets the login page, 401 for files and actions, and changes nothing', async () => {
    const eka = await invoiceOf('EKA');
    const origin = new URL(server.url).origin;
    const month = await call(server.url);
    expect(month.status).toBe(401);
    expect(month.body).toContain('id="login-password"');
    expect(month.body).not.toContain(eka.number);
    for (const file of ['pdf', 'detail']) {
      const res = await call(`${origin}/invoice/${eka.id}/${file}`);
      expect(res.status).toBe(401);
      expect(res.body).not.toContain('%PDF');
    }
    expect(
      (await call(`${origin}/invoice/${eka.id}/pdf`, { headers: { cookie: `${SESSION_COOKIE}=forged` } }))
        .status,
    ).toBe(401);
    const hold = await call(`${origin}/invoice/${eka.id}/hold`, {
      method: 'POST',
      headers: { origin },
      form: { csrf: csrfIn(month.body), reason: 'no session' },
    });
    expect(hold.status).toBe(401);
    const wrong = await call(`${origin}/login`, {
      method: 'POST',
      headers: { origin },
      form: { csrf: csrfIn(month.body), name: USER, password: 'guess-guess-guess', next: '/' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await invoiceOf('EKA')).review_state).toBe(eka.review_state);
  });

  it('with no user: a one-time token, exchanged once for a session id that is not the token', async () => {
    const empty = await createTestDatabase();
    const guarded = await startReviewServer(
      { db: empty.db, pool: empty.pool, safeUrl: 'test', close: async () => {} },
      config,
      { port: 0, month: '2026-10', settings: DEFAULT_REVIEW_SETTINGS, now: () => REVIEW_NOW },
    );
    try {
      expect(guarded.users).toBe(false);
      const token = new URL(guarded.url).searchParams.get('token')!;
      expect(token.length).toBeGreaterThanOrEqual(32);
      const base = guarded.url.split('?')[0]!;
      expect((await call(base)).status).toBe(401);
      expect((await call(`${base}?token=wrong`)).status).toBe(401);
      const first = await call(guarded.url);
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('/month/2026-10');
      const setCookie = String(first.headers['set-cookie']);
      expect(setCookie).toMatch(
        new RegExp(`^${SESSION_COOKIE}=[\\w-]{40,}; HttpOnly; SameSite=Strict; Path=/`),
      );
      expect(setCookie).not.toContain(token);
      expect(setCookie).not.toContain('Secure');
      expect((await call(guarded.url)).status).toBe(401);
      const month = await call(base, { headers: { cookie: cookieOf(first.headers['set-cookie']) } });
      expect(month.status).toBe(200);
      expect(month.body).toContain('Oktober 2026');
    } finally {
      await guarded.close();
      await empty.close();
    }
  });

  it('behind an HTTPS proxy (TAGIH_REVIEW_PUBLIC_URL): logs in, acts as the user, Secure cookie, forged origin refused', async () => {
    const publicUrl = 'https://review.tagih.test';
    const proxied = await startReviewServer(
      database,
      { ...config, reviewPublicUrl: publicUrl },
      { port: 0, month: '2026-10', settings: DEFAULT_REVIEW_SETTINGS, now: () => REVIEW_NOW },
    );
    try {
      expect(proxied.url).toBe(`${publicUrl}/month/2026-10`);
      // What the proxy forwards: its own Host, and the browser's https Origin.
      const local = new URL(proxied.local).origin;
      const asProxy = { host: 'review.tagih.test', origin: publicUrl };
      const loginPage = await call(`${local}/login`, { headers: asProxy });
      expect(loginPage.status).toBe(200);
      const csrf = csrfIn(loginPage.body);
      const login = await call(`${local}/login`, {
        method: 'POST',
        headers: asProxy,
        form: { csrf, name: USER, password: PASSWORD, next: '/month/2026-10' },
      });
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/month/2026-10');
      expect(String(login.headers['set-cookie'])).toMatch(
        /; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/,
      );
      const cookie = cookieOf(login.headers['set-cookie']);
      const delta = await invoiceOf('DELTA');
      // Hold is refused once an invoice's mail went out (issue 10); here DELTA's mail is put back as not sent yet,
      // so the hold through the proxy reaches the billing step.
      await t.db
        .updateTable('mail_outbox')
        .set({ status: 'pending', sent_at: null })
        .where('invoice_id', '=', delta.id)
        .where('kind', '=', 'invoice_issued')
        .execute();
      const hold = (origin: string) =>
        call(`${local}/invoice/${delta.id}/hold`, {
          method: 'POST',
          headers: { ...asProxy, origin, cookie },
          form: { csrf, reason: 'Dicek ulang lewat tunnel' },
        });
      expect((await hold('http://review.tagih.test')).status).toBe(403);
      expect((await hold('https://evil.example')).status).toBe(403);
      expect((await invoiceOf('DELTA')).review_state).toBe('approved');
      const held = await hold(publicUrl);
      expect(held.status).toBe(303);
      expect((await invoiceOf('DELTA')).review_state).toBe('held');
      const event = await t.db
        .selectFrom('invoice_events')
        .select('actor')
        .where('invoice_id', '=', delta.id)
        .where('event', '=', 'held')
        .executeTakeFirstOrThrow();
      expect(event.actor).toBe(USER);
    } finally {
      await proxied.close();
    }
  });

  it('answers to loopback names only, not to another name pointed at 127.0.0.1 (no DNS rebinding)', async () => {
    const res = await call(server.url, { headers: { host: `rebind.example:${server.port}` } });
    expect(res.status).toBe(421);
  });

  it('npm run review -- users add reads the password from stdin; the page then asks for it; Ctrl+C stops', async () => {
    const env = { DATABASE_URL: t.url, TAGIH_OUT: config.outDir };
    const added = await runCli(
      'review',
      ['users', 'add', 'kasir'],
      env,
      Buffer.from('sandi-kasir-panjang\n'),
    );
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain("User 'kasir' added");
    const short = await runCli('review', ['users', 'add', 'pendek'], env, Buffer.from('abc\n'));
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('too short');
    const listed = await runCli('review', ['users', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout).map((u: { name: string }) => u.name)).toEqual(['kasir', 'sari']);
    const stored = await t.db
      .selectFrom('review_users')
      .select('password_hash')
      .where('name', '=', 'kasir')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored.password_hash).not.toContain('sandi-kasir');

    const { SMTP_URL: _ignored, ...parent } = process.env;
    // One process (node --import tsx), so Ctrl+C reaches the command itself.
    const args = ['--import', 'tsx', 'src/cli/review.ts', '--month', '2026-10', '--port', '0'];
    const child = spawn(process.execPath, args, {
      env: { ...parent, ...env, TAGIH_REVIEW_TOKEN: '', TAGIH_REVIEW_PUBLIC_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Review page for 2026-10: (http:\/\/127\.0\.0\.1:\d+\/month\/2026-10)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`review exited with ${code}: ${out}`)));
    });
    const anonymous = await call(url);
    expect(anonymous.status).toBe(401);
    const origin = new URL(url).origin;
    const login = await call(`${origin}/login`, {
      method: 'POST',
      headers: { origin },
      form: {
        csrf: csrfIn(anonymous.body),
        name: 'kasir',
        password: 'sandi-kasir-panjang',
        next: '/month/2026-10',
      },
    });
    expect(login.status).toBe(303);
    const res = await call(url, { headers: { cookie: cookieOf(login.headers['set-cookie']) } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Oktober 2026');
    expect(res.body).toContain('kasir');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const removed = await runCli('review', ['users', 'remove', 'kasir'], env);
    expect(removed.code).toBe(0);
    expect((await runCli('review', ['users', 'remove', 'kasir'], env)).stderr).toContain(
      "There is no user 'kasir'",
    );
  });
});
