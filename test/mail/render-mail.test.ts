import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { MailPayloadError } from '../../src/mail/mail-view.ts';
import { type MailKind, type MailPayloads, type QueuedMail, queueMail } from '../../src/mail/outbox.ts';
import { renderMail } from '../../src/mail/render-mail.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { databaseOf, FINANCE_BCC, FINANCE_CC, testConfig } from './fixtures.ts';

let t: TestDatabase;
let config: Config;
let customerId: number;
beforeAll(async () => {
  t = await createTestDatabase();
  config = await testConfig(null);
  const c = await t.db
    .insertInto('customers')
    .values({ code: 'ACME', name: 'PT Contoh <Jaya> & Co', emails: ['a@acme.test', 'b@acme.test'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  customerId = c.id;
});
afterAll(async () => {
  await t.close();
});

let serial = 0;
async function render(kind: MailKind, payload: Record<string, unknown>) {
  const subjectKey = `test:${serial++}`;
  // Any kind with any payload, the wrong ones included: what the types would refuse is what renderMail must refuse.
  await queueMail(t.db, { kind, subjectKey, customerId, payload } as unknown as QueuedMail);
  const row = await t.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('kind', '=', kind)
    .where('subject_key', '=', subjectKey)
    .executeTakeFirstOrThrow();
  return renderMail(databaseOf(t), config, row);
}

const payloads: { readonly [K in keyof MailPayloads]: MailPayloads[K] } = {
  quota_warning: { month: '2026-10', usage: 16_000_000, quota: 20_000_000, percent: 80 },
  quota_suspended: { month: '2026-10', usage: 20_000_350, quota: 20_000_000 },
  settled_from_deposit: {
    invoice_number: 'INV/2026/11/00042',
    amount: 10_000_000,
    open_after: 1_234_000,
    balance_after: 0,
  },
  suspended_unpaid: { invoice_numbers: ['INV/2026/11/00042', 'INV/2026/12/00007'], open_amount: 1_234_000 },
  payment_received: {
    invoice_number: 'INV/2026/11/00042',
    amount: 500_000,
    paid_on: '2026-11-20',
    open_after: 0,
  },
  account_closed: {
    closing_date: '2026-12-17',
    final_invoice_number: 'INV/2026/12/00100',
    refund_amount: 7_500_000,
    refund_due_date: '2026-12-29',
  },
  // R16: rendered from their credit note and invoices (test/billing/credit-notes), not from a payload alone.
  credit_note_issued: { credit_note_id: 1 },
  invoice_replaced: { void_invoice_id: 1, credit_note_id: 1 },
  prepaid_topup: {
    receipt_number: 'INV/2026/12/00003',
    topup_date: '2026-12-01',
    amount: 500_000,
    tax: 55_000,
    total: 555_000,
    price_per_part: 340,
    expires_on: '2027-12-01',
    balance_after: 500_000,
    files: [],
  },
  prepaid_forfeit_warning: { forfeit_on: '2027-06-01', cause: 'inactivity', balance: 120_000, days: 30 },
  prepaid_forfeited: { forfeit_on: '2027-06-01', cause: 'expiry', amount: 120_000 },
  prepaid_statement: {
    month: '2026-11',
    opening: 500_000,
    closing: 120_000,
    expires_on: '2027-12-01',
    files: [],
  },
};

describe('notice mails', () => {
  it.each([
    [
      'quota_warning',
      'Pemakaian 80% dari kuota – Periode Oktober 2026 – PT Contoh <Jaya> & Co',
      'Rp 16.000.000 dari Rp 20.000.000',
    ],
    [
      'quota_suspended',
      'Pengiriman dihentikan sementara: kuota Oktober 2026 habis – PT Contoh <Jaya> & Co',
      'Rp 20.000.350 dari Rp 20.000.000',
    ],
    [
      'settled_from_deposit',
      'Tagihan INV/2026/11/00042 dibayar dari deposit jaminan – PT Contoh <Jaya> & Co',
      'Sisa tagihan yang masih harus dibayar: Rp 1.234.000',
    ],
    [
      'suspended_unpaid',
      'Layanan dihentikan sementara: tagihan belum dibayar – PT Contoh <Jaya> & Co',
      'berita transfer: INV/2026/11/00042, INV/2026/12/00007',
    ],
    [
      'payment_received',
      'Pembayaran diterima: INV/2026/11/00042 – PT Contoh <Jaya> & Co',
      'Tagihan ini telah lunas.',
    ],
    [
      'account_closed',
      'Penutupan akun ACME – PT Contoh <Jaya> & Co',
      'paling\nlambat 29 Desember 2026 (7 hari kerja)',
    ],
    [
      'prepaid_topup',
      'Kuitansi top-up INV/2026/12/00003 – PT Contoh <Jaya> & Co',
      'sebesar Rp 500.000 (PPN Rp 55.000, total Rp 555.000)',
    ],
    [
      'prepaid_forfeit_warning',
      'Saldo prepaid akan hangus 1 Juni 2027 – PT Contoh <Jaya> & Co',
      '(30 hari lagi), karena 6 bulan tanpa pengiriman',
    ],
    ['prepaid_forfeited', 'Saldo prepaid hangus – PT Contoh <Jaya> & Co', 'karena masa aktif berakhir'],
    ['prepaid_statement', 'Laporan saldo November 2026 – PT Contoh <Jaya> & Co', 'saldo akhir Rp 120.000'],
  ] as const)(
    '%s: subject, Indonesian body first, English below, to every billing address with finance copied',
    async (kind, subject, body) => {
      const mail = await render(kind, payloads[kind]);
      expect(mail.subject).toBe(subject);
      expect(mail.text).toContain(body);
      expect(mail.text.indexOf('Yth. PT Contoh <Jaya> & Co,')).toBeLessThan(
        mail.text.indexOf('Dear PT Contoh <Jaya> & Co,'),
      );
      expect(mail.html).toContain('Yth. PT Contoh &lt;Jaya&gt; &amp; Co,');
      expect(mail.html).not.toContain('<Jaya>');
      expect(mail.to).toEqual([
        { name: 'PT Contoh <Jaya> & Co', address: 'a@acme.test' },
        { name: 'PT Contoh <Jaya> & Co', address: 'b@acme.test' },
      ]);
      expect(mail.cc).toEqual([FINANCE_CC]);
      expect(mail.bcc).toEqual([FINANCE_BCC]);
      expect(mail.attachments).toEqual([]);
    },
  );

  it('quota_warning shows a fractional percent with one decimal, Indonesian comma and English point', async () => {
    const mail = await render('quota_warning', { ...payloads.quota_warning, percent: 83.3333 });
    expect(mail.subject).toContain('Pemakaian 83,3% dari kuota');
    expect(mail.text).toContain('reached 83.3% of your quota');
  });

  it('account_closed without a final invoice or refund says so instead', async () => {
    const mail = await render('account_closed', {
      ...payloads.account_closed,
      final_invoice_number: null,
      refund_amount: 0,
    });
    expect(mail.text).not.toContain('Tagihan akhir');
    expect(mail.text).toContain('Tidak ada sisa deposit jaminan yang perlu dikembalikan.');
    expect(mail.text).toContain('No deposit remains to be refunded.');
  });

  it('a payload missing a field is refused with the field named', async () => {
    await expect(
      render('payment_received', { invoice_number: 'INV/2026/11/00042', amount: 1 }),
    ).rejects.toThrow(MailPayloadError);
    await expect(
      render('quota_warning', { month: '2026-10', usage: 1.5, quota: 2, percent: 80 }),
    ).rejects.toThrow(/payload\.usage \(whole rupiah\)/);
  });

  it('an invoice mail without its invoice is refused', async () => {
    await expect(render('invoice_issued', {})).rejects.toThrow(/names no invoice/);
  });
});
