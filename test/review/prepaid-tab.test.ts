// R15 on the review page: the prepaid tab lists a month's top-ups, forfeitures and statements with their totals.
import { request } from 'node:http';
import Mustache from 'mustache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrepaidForfeiture } from '../../src/billing/prepaid/forfeit.ts';
import { writeReceiptPdf } from '../../src/billing/prepaid/receipt-file.ts';
import { issueStatements } from '../../src/billing/prepaid/statements.ts';
import { recordTopup } from '../../src/billing/prepaid/top-up.ts';
import type { Config } from '../../src/config.ts';
import { formatRupiah } from '../../src/domain/money.ts';
import { firstDayOf, previousMonth, wibDateOf } from '../../src/domain/period.ts';
import { addMonths } from '../../src/domain/prepaid.ts';
import { type ReviewServer, startReviewServer } from '../../src/review/review-server.ts';
import { SESSION_COOKIE } from '../../src/review/review-sessions.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/review/review-settings.ts';
import { addReviewUser } from '../../src/review/review-users.ts';
import { addPrepaidCustomers } from '../billing/prepaid/support.ts';
import { databaseOf, testConfig } from '../mail/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { customerId, ingestLines, reportLine, sendLine } from '../support/fixtures.ts';

// The ingest books usage on the day it runs (R15: deducted when ingested), so the month under review is today's.
const today = wibDateOf(new Date());
const month = today.slice(0, 7);
const first = firstDayOf(month);
// DORMAN topped up 6 months before the 1st and never sent: its balance is forfeited on the 1st for inactivity.
const dormantTopup = addMonths(first, -6);

let t: TestDatabase;
let config: Config;
let server: ReviewServer;
let origin: string;
let cookie: string;

function get(p: string, withSession = true) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const headers = withSession ? { cookie } : {};
    request(`${origin}${p}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** The text of the table row of `code` in the section of class `section`, tags stripped. */
function rowText(html: string, section: string, code: string): string {
  const part = html.split(`class="panel ${section}"`)[1]!.split('</section>')[0]!;
  const row = part.split('<tr').find((r) => r.includes(`data-customer="${code}"`)) ?? '';
  return row
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function footText(html: string, section: string): string {
  const part = html.split(`class="panel ${section}"`)[1]!.split('</section>')[0]!;
  return part
    .split('<tfoot>')[1]!
    .split('</tfoot>')[0]!
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

beforeAll(async () => {
  t = await createTestDatabase();
  const database = databaseOf(t);
  config = await testConfig(null);
  await addPrepaidCustomers(t.db, ['PRIMA', 'DORMAN'], dormantTopup);
  // A name with markup: the page must show it as text.
  await t.db
    .updateTable('customers')
    .set({ name: 'PT <b>Prima</b> & Co' })
    .where('code', '=', 'PRIMA')
    .execute();
  for (const topup of [
    { customerCode: 'DORMAN', amount: 250_000, date: dormantTopup }, // 350 a part
    { customerCode: 'PRIMA', amount: 500_000, date: first }, // 340 a part
  ]) {
    const r = await recordTopup(t.db, topup);
    await writeReceiptPdf(t.db, config, r.receipt_number);
  }
  await ingestLines(
    t.pool,
    [1, 2, 3].map((n) =>
      sendLine({ customer: 'PRIMA', sendingid: n, sent_at: `${today}T08:0${n}:00+07:00` }),
    ),
    'prima.jsonl',
  );
  await ingestLines(t.pool, [reportLine(3, 5)], 'prima-cancel.jsonl'); // R2: a Cancel gives 340 back
  const later = await recordTopup(t.db, { customerCode: 'PRIMA', amount: 2_000_000, date: today }); // 330
  await writeReceiptPdf(t.db, config, later.receipt_number);
  await runPrepaidForfeiture(t.db, today);
  await issueStatements(database, config, month);
  await addReviewUser(t.db, 'sari', 'kata-sandi-sari-2026');
  server = await startReviewServer(database, config, {
    port: 0,
    month,
    settings: DEFAULT_REVIEW_SETTINGS,
  });
  origin = new URL(server.local).origin;
  const login = await new Promise<string>((resolve, reject) => {
    const body = new URLSearchParams({ name: 'sari', password: 'kata-sandi-sari-2026', next: '/' });
    get('/login', false).then(({ body: page }) => {
      body.set('csrf', /name="csrf" value="([^"]+)"/.exec(page)![1]!);
      const req = request(`${origin}/login`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      });
      req.on('response', (res) => resolve(String(res.headers['set-cookie']).split(';')[0]!));
      req.on('error', reject);
      req.end(body.toString());
    }, reject);
  });
  expect(login.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  cookie = login;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe('R15: the review page prepaid tab', () => {
  it("R15: lists the month's top-ups with PPN, receipt numbers and receipt links, and their totals", async () => {
    const page = await get(`/month/${month}/prepaid`);
    expect(page.status).toBe(200);
    const topups = await t.db
      .selectFrom('prepaid_topups')
      .selectAll()
      .where('topup_date', '>=', first)
      .orderBy('id')
      .execute();
    expect(topups.map((r) => r.amount)).toEqual([500_000, 2_000_000]);
    const prima = page.body.split('class="panel prepaid-topups"')[1]!.split('</section>')[0]!;
    for (const r of topups) {
      // Mustache escapes the receipt number's slashes: the browser shows them as written.
      expect(prima).toContain(`data-receipt="${Mustache.escape(r.number)}"`);
      expect(prima).toContain(`href="/prepaid/receipt/${r.id}/pdf">${Mustache.escape(r.number)}</a>`);
      expect(prima).toContain(formatRupiah(r.tax));
      expect(prima).toContain(formatRupiah(r.total));
    }
    const sum = (k: 'amount' | 'tax' | 'total') => formatRupiah(topups.reduce((s, r) => s + r[k], 0));
    expect(footText(page.body, 'prepaid-topups')).toBe(
      `Jumlah 2 top-up Total ${sum('amount')} ${sum('tax')} ${sum('total')}`,
    );
    // The top-up of DORMAN is six months back: not this month's.
    expect(prima).not.toContain('DORMAN');
    // Escaped, never markup.
    expect(page.body).toContain('PT &lt;b&gt;Prima&lt;&#x2F;b&gt; &amp; Co');
    expect(page.body).not.toContain('<b>Prima</b>');

    const receipt = await get(`/prepaid/receipt/${topups[0]!.id}/pdf`);
    expect(receipt.status).toBe(200);
    expect(receipt.type).toBe('application/pdf');
    expect(receipt.body.startsWith('%PDF')).toBe(true);
  });

  it('R15: lists the forfeiture with its amount and reason (dormant 6 months)', async () => {
    const page = await get(`/month/${month}/prepaid`);
    expect(rowText(page.body, 'prepaid-forfeits', 'DORMAN')).toMatch(
      /DORMAN Tidak aktif 6 bulan Dormant 6 months Rp 250\.000$/,
    );
    expect(page.body).toContain('data-cause="inactivity"');
    expect(footText(page.body, 'prepaid-forfeits')).toBe('Jumlah 1 Total Rp 250.000');
  });

  it('R15: lists the statements: opening, usage, give-backs, top-ups, forfeits, closing, expiry, mail, files', async () => {
    const page = await get(`/month/${month}/prepaid`);
    const account = await t.db
      .selectFrom('prepaid_accounts')
      .select('expires_on')
      .where('customer_id', '=', await customerId(t.db, 'PRIMA'))
      .executeTakeFirstOrThrow();
    expect(account.expires_on).toBe(addMonths(today, 12));
    const prima = rowText(page.body, 'prepaid-statements', 'PRIMA');
    // 3 × 340 used, 340 given back, 2 500 000 topped up: 2 500 000 − 1 020 + 340 = 2 499 320.
    expect(prima).toContain('Rp 0 Rp 1.020 Rp 340 Rp 2.500.000 Rp 0 Rp 2.499.320');
    expect(prima).toContain('Antre'); // queued in the outbox, not sent yet
    const dorman = rowText(page.body, 'prepaid-statements', 'DORMAN');
    expect(dorman).toContain('Rp 250.000 Rp 0 Rp 0 Rp 0 Rp 250.000 Rp 0');
    expect(footText(page.body, 'prepaid-statements')).toBe(
      'Jumlah 2 laporan Total Rp 250.000 Rp 1.020 Rp 340 Rp 2.500.000 Rp 250.000 Rp 2.499.320',
    );
    const id = await customerId(t.db, 'PRIMA');
    expect(page.body).toContain(`href="/prepaid/statement/${id}/${month}/pdf"`);
    const pdf = await get(`/prepaid/statement/${id}/${month}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    const csv = await get(`/prepaid/statement/${id}/${month}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.body.split('\n')[0]).toBe(
      'kind,entry_date,sending_id,sent_at,number,operator,product,parts,unit_price,amount,shortfall,reference',
    );
  });

  it('R15: a month without prepaid activity says so in one line instead of empty tables', async () => {
    const empty = previousMonth(dormantTopup.slice(0, 7));
    const page = await get(`/month/${empty}/prepaid`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Tidak ada aktivitas prabayar bulan ini');
    expect(page.body).not.toContain('<table');
    // A month where DORMAN only held its balance still needs its statement: named, with the command.
    const held = await get(`/month/${previousMonth(month)}/prepaid`);
    expect(held.body).toContain('Tanpa laporan saldo');
    expect(held.body).toContain(`npm run topups -- statements --month ${previousMonth(month)}`);
    expect(held.body).toContain('Tidak ada top-up bulan ini');
  });

  it('the month page links to the tab, and nothing is shown without a session', async () => {
    const monthPage = await get(`/month/${month}`);
    expect(monthPage.body).toContain(`href="/month/${month}/prepaid"`);
    const anonymous = await get(`/month/${month}/prepaid`, false);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain('DORMAN');
    const file = await get('/prepaid/receipt/1/pdf', false);
    expect(file.status).toBe(401);
    expect(file.body).not.toContain('%PDF');
    expect((await get('/prepaid/receipt/999/pdf')).status).toBe(404);
    expect((await get(`/prepaid/statement/999/${month}/pdf`)).status).toBe(404);
    expect((await get('/prepaid/statement/1/2026-13/pdf')).status).toBe(404);
  });
});
