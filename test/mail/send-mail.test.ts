import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type ParsedMail, simpleParser } from 'mailparser';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { formatRupiah } from '../../src/domain/money.ts';
import { sendPendingMail } from '../../src/mail/send-mail.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, startTestSmtp, type TestSmtp } from '../support/smtp.ts';
import {
  customersWithTraffic,
  databaseOf,
  FINANCE_BCC,
  FINANCE_CC,
  invoiceOctober,
  minutesFromNow,
  testConfig,
} from './fixtures.ts';

let t: TestDatabase;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await t.close();
});

async function smtp(options: Parameters<typeof startTestSmtp>[0] = {}): Promise<TestSmtp> {
  const server = await startTestSmtp(options);
  closers.push(() => server.close());
  return server;
}

const send = (config: Config, opts: Parameters<typeof sendPendingMail>[2] = {}) =>
  sendPendingMail(databaseOf(t), config, opts);

async function outbox() {
  return t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
}

async function invoiceFiles(config: Config) {
  const folder = path.join(config.outDir, '2026-10');
  const invoices = await t.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.number', 'i.total', 'i.status', 'c.code'])
    .orderBy('i.sequence')
    .execute();
  return invoices.map((i) => {
    const stem = `${i.number.replaceAll('/', '-')}_${i.code}`;
    return { ...i, pdf: path.join(folder, `${stem}.pdf`), detail: path.join(folder, `${stem}-detail.csv`) };
  });
}

const parse = (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);

const ACME = {
  code: 'ACME',
  name: 'PT Contoh Jaya',
  emails: ['tagihan@acme.test', 'cfo@acme.test'],
  messages: 7,
};
const BETA = { code: 'BETA', name: 'CV Beta Sejahtera', emails: ['billing@beta.test'], messages: 3 };
const GAMMA = { code: 'GAMMA', name: 'PT Gamma', emails: ['ap@gamma.test'], messages: 2 };

describe('delivery through a real SMTP server', () => {
  it('an issued invoice arrives once, to every billing address with finance in Cc/Bcc, PDF and detail CSV byte-identical', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME]);
    await invoiceOctober(t, config);

    const summary = await send(config);

    expect(summary).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
    expect(server.received).toHaveLength(1);
    const envelope = server.received[0]!;
    expect([...envelope.to].sort()).toEqual([
      'audit@tagih.test',
      'cfo@acme.test',
      'finance@tagih.test',
      'tagihan@acme.test',
    ]);
    const mail = await parse(envelope.raw);
    expect(mail.to).toMatchObject({
      value: [{ address: 'tagihan@acme.test' }, { address: 'cfo@acme.test' }],
    });
    expect(mail.cc).toMatchObject({ value: [{ address: FINANCE_CC }] });
    expect(mail.headers.has('bcc')).toBe(false);
    expect(envelope.raw.toString('latin1')).not.toContain(FINANCE_BCC);

    const [files] = await invoiceFiles(config);
    const byName = new Map(mail.attachments.map((a) => [a.filename, a.content]));
    expect([...byName.keys()]).toEqual([path.basename(files!.pdf), path.basename(files!.detail)]);
    expect(byName.get(path.basename(files!.pdf))!.equals(await readFile(files!.pdf))).toBe(true);
    expect(byName.get(path.basename(files!.detail))!.equals(await readFile(files!.detail))).toBe(true);

    const [row] = await outbox();
    expect(mail.messageId).toBe(row!.message_id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(row!.server_response).toMatch(/^250/);
  });

  it('the Indonesian subject and body arrive intact: en dashes, Jatuh tempo, amount, transfer reference, English below', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME]);
    await invoiceOctober(t, config);
    await send(config);

    const mail = await parse(server.received[0]!.raw);
    const [invoice] = await invoiceFiles(config);
    expect(invoice!.number).toBe('INV/2026/11/00001');
    expect(mail.subject).toBe('Tagihan INV/2026/11/00001 – Periode Oktober 2026 – PT Contoh Jaya');
    const text = mail.text ?? '';
    expect(text).toContain('Yth. PT Contoh Jaya,');
    expect(text).toContain('Jatuh tempo     : 15 November 2026');
    expect(text).toContain(`Jumlah          : ${formatRupiah(invoice!.total)} (termasuk PPN 12%)`);
    expect(text).toContain('berita transfer: INV/2026/11/00001');
    expect(text).toContain(config.bank.accountNumber);
    expect(text).toContain('otomatis memotong\ndeposit jaminan');
    expect(text.indexOf('Jatuh tempo')).toBeLessThan(text.indexOf('Due date        : 15 November 2026'));
    expect(text).not.toContain('Kode OTP');
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain('<b>INV/2026/11/00001</b>');
    expect(html).toContain('Jatuh tempo');
    expect(html).toContain('Due date');
  });

  it('one mail per invoice across a rerun of the invoice run', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME, BETA]);
    await invoiceOctober(t, config);
    expect((await send(config)).sent).toBe(2);

    const rerun = await invoiceOctober(t, config);
    expect(rerun.issued).toHaveLength(0);
    expect(rerun.alreadyIssued).toHaveLength(2);
    expect((await send(config, { now: minutesFromNow(60) })).sent).toBe(0);

    expect(server.received).toHaveLength(2);
    expect(await outbox()).toHaveLength(2);
  });
});

describe('when a mail is due', () => {
  it('a mail queued in the same millisecond as the send (the database keeps microseconds) goes out in that send', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME]);
    await invoiceOctober(t, config);
    // now() in PostgreSQL has microseconds; the sender's clock is a millisecond Date.
    await t.pool.query(`update mail_outbox set next_attempt_at = '2026-12-01T10:00:00.000700Z'`);
    expect((await send(config, { now: new Date('2026-12-01T09:59:59.999Z') })).sent).toBe(0);
    expect((await send(config, { now: new Date('2026-12-01T10:00:00.000Z') })).sent).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});

describe('failures', () => {
  it('with the server down the rows stay pending and the invoices issued; once back, every mail is delivered exactly once', async () => {
    const port = await freePort(); // nothing listens there: connection refused
    const config = await testConfig(`smtp://127.0.0.1:${port}`);
    await customersWithTraffic(t, [ACME, BETA, GAMMA]);
    await invoiceOctober(t, config);

    const down = await send(config);
    expect(down).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    expect(down.notes.join('\n')).toMatch(/did not answer.*ECONNREFUSED|did not answer.*connect/i);
    expect((await outbox()).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect((await invoiceFiles(config)).map((i) => i.status)).toEqual(['issued', 'issued', 'issued']);

    const server = await smtp({ port });
    const back = await send(config, { now: minutesFromNow(2) });
    expect(back).toMatchObject({ sent: 3, failed: 0, retrying: 0 });
    expect(await send(config, { now: minutesFromNow(60) })).toMatchObject({ sent: 0 });

    expect(server.received).toHaveLength(3);
    const ids = await Promise.all(server.received.map(async (m) => (await parse(m.raw)).messageId));
    expect(new Set(ids).size).toBe(3);
    expect((await outbox()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('a 451 on RCPT TO is retried after the backoff and then delivered once', async () => {
    let refusals = 1;
    const server = await smtp({
      onRcpt: () => (refusals-- > 0 ? { code: 451, message: '4.3.0 Mailbox busy, try later' } : null),
    });
    const config = await testConfig(server.url, { financeCc: [], financeBcc: [] });
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const now = new Date();
    expect(await send(config, { now })).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
    const [waiting] = await outbox();
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting!.last_error).toContain('451');
    expect(waiting!.server_response).toMatch(/^451/);
    expect(waiting!.next_attempt_at.getTime()).toBe(now.getTime() + 60_000);

    expect(await send(config, { now: new Date(now.getTime() + 30_000) })).toMatchObject({
      sent: 0,
      retrying: 0,
    });
    expect(await send(config, { now: new Date(now.getTime() + 61_000) })).toMatchObject({ sent: 1 });
    expect(server.received).toHaveLength(1);
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('a 451 for one recipient while the others accept: the retry goes to that recipient alone, same Message-ID', async () => {
    let deferBeta = true;
    const server = await smtp({
      onRcpt: (address) =>
        address === 'billing@beta.test' && deferBeta ? { code: 451, message: '4.2.1 Try again later' } : null,
    });
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const first = await send(config);
    expect(first).toMatchObject({ sent: 0, retrying: 1 });
    expect([...server.received[0]!.to].sort()).toEqual([FINANCE_BCC, FINANCE_CC]);
    const [waiting] = await outbox();
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting!.last_error).toContain('deferred for billing@beta.test (451 4.2.1 Try again later)');

    deferBeta = false;
    expect(await send(config, { now: minutesFromNow(2) })).toMatchObject({ sent: 1 });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.to).toEqual(['billing@beta.test']);
    const [a, b] = await Promise.all(server.received.map((m) => parse(m.raw)));
    expect(b!.messageId).toBe(a!.messageId);
    expect(b!.to).toMatchObject({ value: [{ address: 'billing@beta.test' }] });
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a 451 after DATA is retried with growing waits until the attempts run out, then failed with the reason', async () => {
    const server = await smtp({ onData: () => ({ code: 451, message: '4.7.1 Greylisted' }) });
    const config = await testConfig(server.url, { mailMaxAttempts: 3 });
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const start = new Date();
    expect(await send(config, { now: start, backoffBaseMs: 1000 })).toMatchObject({ retrying: 1 });
    expect((await outbox())[0]!.next_attempt_at.getTime()).toBe(start.getTime() + 1000);
    const second = new Date(start.getTime() + 1000);
    expect(await send(config, { now: second, backoffBaseMs: 1000 })).toMatchObject({ retrying: 1 });
    expect((await outbox())[0]!.next_attempt_at.getTime()).toBe(second.getTime() + 5000);
    const third = new Date(second.getTime() + 5000);
    const last = await send(config, { now: third, backoffBaseMs: 1000 });

    expect(last).toMatchObject({ sent: 0, retrying: 0, failed: 1 });
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row!.last_error).toMatch(/^gave up after 3 attempts: .*451 4\.7\.1 Greylisted/);
    expect(server.received).toHaveLength(0);
  });

  it('a 550 on RCPT TO fails the mail at once and it is never retried', async () => {
    const server = await smtp({ onRcpt: () => ({ code: 550, message: '5.1.1 No such user' }) });
    const config = await testConfig(server.url, { financeCc: [], financeBcc: [] });
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const summary = await send(config);
    expect(summary).toMatchObject({ sent: 0, retrying: 0, failed: 1 });
    expect(summary.notes.join('\n')).toContain('550 5.1.1 No such user');
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.server_response).toMatch(/^550 5\.1\.1/);

    expect(await send(config, { now: minutesFromNow(24 * 60) })).toMatchObject({ sent: 0, failed: 0 });
    expect((await outbox())[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a server that never greets times out: the mail is retried later, not failed', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const config = await testConfig(`smtp://127.0.0.1:${port}`);
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const summary = await send(config, { timeoutMs: 300 });
    expect(summary).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toMatch(/greeting|timeout/i);
  });
});

describe('header safety', () => {
  it('a customer name with a newline, quotes and non-ASCII cannot add a header or a recipient', async () => {
    const server = await smtp();
    const config = await testConfig(server.url, { financeCc: [], financeBcc: [] });
    const evil = 'PT "Kutip" Ünal, Tbk\r\nBcc: spy@evil.test\nX-Injected: yes';
    await customersWithTraffic(t, [
      { code: 'EVIL', name: evil, emails: ['ap@evil-customer.test'], messages: 2 },
    ]);
    await invoiceOctober(t, config);

    expect(await send(config)).toMatchObject({ sent: 1 });
    const received = server.received[0]!;
    expect(received.to).toEqual(['ap@evil-customer.test']);
    const headerBlock = received.raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(headerBlock).not.toMatch(/^(Bcc|X-Injected):/im);
    const mail = await parse(received.raw);
    const flat = 'PT "Kutip" Ünal, Tbk Bcc: spy@evil.test X-Injected: yes';
    expect(mail.subject).toBe(`Tagihan INV/2026/11/00001 – Periode Oktober 2026 – ${flat}`);
    expect(mail.to).toMatchObject({ value: [{ name: flat, address: 'ap@evil-customer.test' }] });
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(typeof mail.html === 'string' ? mail.html : '').toContain('PT &quot;Kutip&quot; Ünal, Tbk');
  });
});

describe('concurrent senders', () => {
  it('two concurrent sendPendingMail calls deliver each mail exactly once', async () => {
    const server = await smtp({ dataDelayMs: 100 });
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME, BETA, GAMMA]);
    await invoiceOctober(t, config);

    const [a, b] = await Promise.all([send(config), send(config)]);

    expect(a.sent + b.sent).toBe(3);
    expect([...a.notes, ...b.notes].join('\n')).toContain('Another mail sender is running');
    expect(server.received).toHaveLength(3);
    const ids = await Promise.all(server.received.map(async (m) => (await parse(m.raw)).messageId));
    expect(new Set(ids).size).toBe(3);
  });

  it('a row another sender holds locked is skipped, not sent twice', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [ACME, BETA]);
    await invoiceOctober(t, config);
    const [first] = await outbox();

    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select id from mail_outbox where id = $1 for update', [first!.id]);
      expect(await send(config)).toMatchObject({ sent: 1 });
      expect((await outbox()).map((r) => r.status)).toEqual(['pending', 'sent']);
      await other.query('commit');
    } finally {
      await other.end();
    }
    expect(await send(config)).toMatchObject({ sent: 1 });
    expect(server.received).toHaveLength(2);
  });
});

describe('attachments', () => {
  it('a missing invoice PDF is rendered again when the mail is sent', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);
    const [files] = await invoiceFiles(config);
    await rm(files!.pdf);

    expect(await send(config)).toMatchObject({ sent: 1 });
    const mail = await parse(server.received[0]!.raw);
    const pdf = mail.attachments.find((a) => a.filename === path.basename(files!.pdf));
    expect(pdf!.content.equals(await readFile(files!.pdf))).toBe(true);
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a detail CSV over the limit is sent gzipped when that fits, byte-identical once unzipped', async () => {
    const server = await smtp();
    const config = await testConfig(server.url);
    await customersWithTraffic(t, [{ ...BETA, messages: 400 }]);
    await invoiceOctober(t, config);
    const [files] = await invoiceFiles(config);
    const csv = await readFile(files!.detail);
    expect(csv.length).toBeGreaterThan(20_000);

    const summary = await send({ ...config, mailAttachmentLimitBytes: csv.length - 1 });

    expect(summary).toMatchObject({ sent: 1, notes: [] });
    const mail = await parse(server.received[0]!.raw);
    const detail = mail.attachments.find((a) => a.filename === `${path.basename(files!.detail)}.gz`);
    expect(detail!.contentType).toBe('application/gzip');
    expect(gunzipSync(detail!.content).equals(csv)).toBe(true);
    expect(mail.text).toContain('CSV dikompres gzip');
  });

  it('a detail still over the limit after gzip is left out; the mail says it is available on request and the run reports it', async () => {
    const server = await smtp();
    const config = await testConfig(server.url, { mailAttachmentLimitBytes: 64 });
    await customersWithTraffic(t, [BETA]);
    await invoiceOctober(t, config);

    const summary = await send(config);
    expect(summary.sent).toBe(1);
    expect(summary.notes.join('\n')).toMatch(
      /INV\/2026\/11\/00001 \(BETA\): the usage detail .* is over the mail limit of 64 bytes/,
    );
    const mail = await parse(server.received[0]!.raw);
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(mail.text).toContain('tersedia atas permintaan');
    expect(mail.text).toContain('available on request');
  });
});

describe('without SMTP_URL', () => {
  it('each mail is written as <out>/outbox/<id>-<kind>.eml that opens with its attachments, and marked sent', async () => {
    const config = await testConfig(null);
    await customersWithTraffic(t, [ACME]);
    await invoiceOctober(t, config);

    const summary = await send(config);

    const [row] = await outbox();
    const eml = path.join(config.outDir, 'outbox', `${row!.id}-invoice_issued.eml`);
    expect(summary).toMatchObject({ sent: 1, failed: 0, files: [eml] });
    const mail = await parse(await readFile(eml));
    expect(mail.subject).toBe('Tagihan INV/2026/11/00001 – Periode Oktober 2026 – PT Contoh Jaya');
    expect(mail.messageId).toBe(row!.message_id);
    const [files] = await invoiceFiles(config);
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      path.basename(files!.pdf),
      path.basename(files!.detail),
    ]);
    expect(mail.attachments[0]!.content.equals(await readFile(files!.pdf))).toBe(true);
    expect(mail.attachments[1]!.content.equals(await readFile(files!.detail))).toBe(true);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row!.server_response).toBe(`written to ${eml}`);
  });
});
