import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleMonth } from '../../../src/billing/deposit/settle.ts';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import {
  bankAmount,
  bankDate,
  invoiceNumbersIn,
  parseBankMutations,
} from '../../../src/billing/payments/bank-mutation-csv.ts';
import { importBankMutations } from '../../../src/billing/payments/import-bank-mutations.ts';
import { listPayments, recordPayment } from '../../../src/billing/payments/payments.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
const NOW = new Date('2026-11-27T03:00:00Z');
const TOTAL = 38_850; // 100 single-part messages: 35.000 + PPN 3.850

async function numberOf(code: string, period = '2026-09-01'): Promise<string> {
  const inv = await t.db
    .selectFrom('invoices')
    .select('number')
    .where('customer_id', '=', await customerId(t.db, code))
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
  return inv.number;
}

async function invoice(number: string) {
  return t.db.selectFrom('invoices').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
}

const pay = (invoiceNumber: string, amount: number, date = '2026-10-05', ref: string | null = null) =>
  recordPayment(t.db, { invoiceNumber, amount, date, ref, actor: 'test' });

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-pay-') };
  await addCustomers(t.db, ['PAYA', 'PAYB', 'BANKA', 'BANKB', 'BANKC', 'TWO'], 10_000_000);
  await addCustomers(t.db, ['POOR'], 1_000);
  for (const code of ['PAYA', 'PAYB', 'BANKA', 'BANKB', 'BANKC', 'TWO', 'POOR']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-09-10T10:00:00+07:00' });
  }
  await insertMessages(t.db, { customer: 'POOR', count: 100, from: '2026-08-10T10:00:00+07:00' });
  const run = (month: string, issueDate: string, customerCode?: string) =>
    runInvoiceMonth(database, config, {
      month,
      issueDate,
      customerCode,
      dryRun: false,
      actor: 'test',
      holdMail: false,
      now: NOW,
    });
  await run('2026-08', '2026-09-01', 'POOR');
  await run('2026-09', '2026-10-01');
});
afterAll(async () => {
  await t.close();
});

describe('R12: recording payments', () => {
  it('R12: a partial payment makes the invoice partially_paid, the rest makes it paid', async () => {
    const number = await numberOf('PAYA');
    expect(await pay(number, 8_850, '2026-10-05', 'BCA 1')).toMatchObject({
      outcome: 'recorded',
      status: 'partially_paid',
      open_after: 30_000,
    });
    expect(await invoice(number)).toMatchObject({ status: 'partially_paid', paid_amount: 8_850 });
    expect(await pay(number, 30_000, '2026-10-06', 'BCA 2')).toMatchObject({ status: 'paid', open_after: 0 });
    expect(await invoice(number)).toMatchObject({ status: 'paid', paid_amount: TOTAL });
    const receipts = await t.db
      .selectFrom('mail_outbox')
      .select('payload')
      .where('kind', '=', 'payment_received')
      .orderBy('id')
      .execute();
    expect(receipts.map((r) => r.payload)).toEqual([
      { invoice_number: number, amount: 8_850, paid_on: '2026-10-05', open_after: 30_000 },
      { invoice_number: number, amount: 30_000, paid_on: '2026-10-06', open_after: 0 },
    ]);
  });

  it('R12: an overpayment is refused with the open amount, and nothing is recorded', async () => {
    const number = await numberOf('PAYB');
    await expect(pay(number, TOTAL + 1)).rejects.toThrow(
      /Overpayment refused: Rp 38\.851 is more than the Rp 38\.850 still open on INV\/.*Nothing was recorded; record at most Rp 38\.850/,
    );
    await pay(number, 30_000);
    await expect(pay(number, 8_851)).rejects.toThrow(/Rp 8\.850 still open/);
    expect(await invoice(number)).toMatchObject({ status: 'partially_paid', paid_amount: 30_000 });
  });

  it('R12: paying a paid invoice, an unknown number or a date before the invoice is refused', async () => {
    await expect(pay(await numberOf('PAYA'), 1)).rejects.toThrow(/already paid in full/);
    await expect(pay('INV/2026/10/99999', 1)).rejects.toThrow(/No invoice numbered 'INV\/2026\/10\/99999'/);
    await expect(pay(await numberOf('PAYB'), 1, '2026-09-30')).rejects.toThrow(
      /before .* was issued \(2026-10-01\)/,
    );
  });

  it('R12 (issue 17): a payment dated in the future is refused with the date of today, nothing recorded', async () => {
    const number = await numberOf('PAYB');
    const before = await invoice(number);
    const now = new Date('2026-10-20T20:00:00Z'); // 21 October 2026, 03:00 WIB
    await expect(
      recordPayment(t.db, { invoiceNumber: number, amount: 1, date: '2026-10-22', actor: 'test', now }),
    ).rejects.toThrow(
      /The payment date 2026-10-22 is in the future \(today is 2026-10-21, WIB\); nothing was recorded/,
    );
    const cli = await runCli(
      'payments',
      ['record', '--invoice', number, '--amount', '1', '--date', '2099-01-01'],
      {
        DATABASE_URL: t.url,
      },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /The payment date 2099-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}, WIB\)/,
    );
    expect(cli.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(await invoice(number)).toEqual(before);
  });

  it('R12: the same transfer (same reference) recorded twice counts once', async () => {
    const number = await numberOf('PAYB');
    expect(await pay(number, 1_000, '2026-10-07', 'BCA 7')).toMatchObject({
      outcome: 'recorded',
      open_after: 7_850,
    });
    expect(await pay(number, 1_000, '2026-10-07', 'BCA 7')).toMatchObject({
      outcome: 'duplicate',
      open_after: 7_850,
    });
    expect((await listPayments(t.db, { invoiceNumber: number })).map((p) => p.amount)).toEqual([
      1_000, 30_000,
    ]);
  });
});

describe('R12: bank-mutation CSV', () => {
  it.each([
    ['1500000', 1_500_000],
    ['1.500.000', 1_500_000],
    ['1,500,000.00', 1_500_000],
    ['1.500.000,00', 1_500_000],
    ['Rp 1.500.000', 1_500_000],
    ['1,500,000.00 CR', 1_500_000],
    ['1,500,000.00 DB', -1_500_000],
    ['1500000.50', null],
    ['1.50', null],
    ['abc', null],
  ] as const)('R12: bank amount %s is %s', (text, amount) => {
    expect(bankAmount(text)).toBe(amount);
  });

  it('R12: bank dates and invoice numbers as banks write them', () => {
    expect(bankDate('2026-10-05')).toBe('2026-10-05');
    expect(bankDate('05/10/2026')).toBe('2026-10-05');
    expect(bankDate('31/02/2026')).toBeNull();
    expect(invoiceNumbersIn('TRSF E-BANKING CR INV-2026-10-00003 PT ALFA')).toEqual(['INV/2026/10/00003']);
    expect(invoiceNumbersIn('bayar inv 2026 10 00003 dan INV/2026/10/00004')).toEqual([
      'INV/2026/10/00003',
      'INV/2026/10/00004',
    ]);
    expect(invoiceNumbersIn('INV/2026/10/000031')).toEqual([]);
  });

  it('R12: a preamble is skipped, the header found, debits left out', () => {
    const rows = parseBankMutations(
      'Rekening: 0123456789\nPeriode: 01/10/2026 - 31/10/2026\n\nTanggal;Keterangan;Jumlah;DB/CR\n05/10/2026;INV/2026/10/00001;10.000;CR\n06/10/2026;biaya admin;5.000;DB\n',
      'bank.csv',
    );
    expect(rows).toEqual([
      {
        line: 5,
        date: '2026-10-05',
        amount: 10_000,
        description: 'INV/2026/10/00001',
        invoiceNumber: 'INV/2026/10/00001',
        problem: null,
      },
    ]);
    expect(() => parseBankMutations('a,b,c\n1,2,3\n', 'x.csv')).toThrow(
      /no header with a date, an amount and a description/,
    );
  });

  it('R12: import records matched rows, reports unmatched and overpaying rows, and a second import records nothing twice', async () => {
    const [a, b, c] = [await numberOf('BANKA'), await numberOf('BANKB'), await numberOf('BANKC')];
    const dashed = b.replaceAll('/', '-');
    const dir = await tempDir('tagih-bank-');
    const file = path.join(dir, 'mutasi-oktober.csv');
    await writeFile(
      file,
      [
        'date,description,amount',
        `2026-10-10,TRSF E-BANKING CR ${a} PT BANKA,"38,850.00"`,
        `11/10/2026,PEMBAYARAN ${dashed},20.000`,
        `11/10/2026,PEMBAYARAN ${dashed},18.850`,
        '12/10/2026,TRANSFER DARI PT TANPA NOMOR,50.000',
        '12/10/2026,INV/2026/10/99999 salah nomor,50.000',
        `13/10/2026,${c} lebih bayar,40.000`,
        `13/10/2026,${a} ${c} gabungan,77.700`,
      ].join('\n'),
    );
    const first = await importBankMutations(t.db, file, 'test');
    expect(first).toMatchObject({ rows: 7, recorded: 3, duplicates: 0, unmatched: 3, refused: 1 });
    expect(first.results.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'recorded'],
      [3, 'recorded'],
      [4, 'recorded'],
      [5, 'unmatched'],
      [6, 'unmatched'],
      [7, 'refused'],
      [8, 'unmatched'],
    ]);
    expect(first.results[5]!.reason).toMatch(/Overpayment refused/);
    expect(first.results[3]!.reason).toMatch(/no invoice number/);
    expect(first.results[6]!.reason).toMatch(/names 2 invoices/);
    expect(await invoice(a)).toMatchObject({ status: 'paid', paid_amount: TOTAL });
    expect(await invoice(b)).toMatchObject({ status: 'paid', paid_amount: TOTAL });
    expect(await invoice(c)).toMatchObject({ status: 'issued', paid_amount: 0 });

    const again = await importBankMutations(t.db, file, 'test');
    expect(again).toMatchObject({ recorded: 0, duplicates: 3, unmatched: 3, refused: 1 });
    expect(await invoice(b)).toMatchObject({ paid_amount: TOTAL });
  });

  it('R12: `payments import --json` and `payments list --json` through the CLI', async () => {
    const twoNumber = await numberOf('TWO');
    const dir = await tempDir('tagih-bank-cli-');
    const file = path.join(dir, 'mutasi.csv');
    // Two identical transfers of one day are two payments, told apart in their reference.
    await writeFile(
      file,
      `Tanggal,Keterangan,Jumlah\n14/10/2026,${twoNumber},10000\n14/10/2026,${twoNumber},10000\n`,
    );
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: t.url };
    const summary = JSON.parse(
      (await run('npx', ['tsx', 'src/cli/payments.ts', 'import', file, '--json'], { env })).stdout,
    );
    expect(summary).toMatchObject({ recorded: 2, unmatched: 0 });
    const list = JSON.parse(
      (await run('npx', ['tsx', 'src/cli/payments.ts', 'list', '--json'], { env })).stdout,
    ) as Array<Record<string, unknown>>;
    expect(list.filter((p) => p.invoice_number === twoNumber)).toEqual([
      expect.objectContaining({
        amount: 10_000,
        method: 'transfer',
        paid_on: '2026-10-14',
        invoice_open: TOTAL - 20_000,
      }),
      expect.objectContaining({
        amount: 10_000,
        method: 'transfer',
        paid_on: '2026-10-14',
        invoice_open: TOTAL - 20_000,
      }),
    ]);
    await expect(
      run(
        'npx',
        [
          'tsx',
          'src/cli/payments.ts',
          'record',
          '--invoice',
          twoNumber,
          '--amount',
          '100000',
          '--date',
          '2026-10-15',
        ],
        { env },
      ),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/Overpayment refused/) });
  });
});

// Last: the settlements here settle every customer's open invoices.
describe('R11/R12: payments and the unpaid suspension', () => {
  it('R11/R12: paying one overdue invoice in full keeps the unpaid suspension while another is still open', async () => {
    // POOR: August's invoice is dated 1 September, September's 1 October; the settlement of 1 October takes its
    // 1.000 deposit for August and suspends, the one of 1 November finds September's open too.
    await settleMonth(t.db, { asOf: '2026-10-01', now: NOW, actor: 'test' });
    const august = await numberOf('POOR', '2026-08-01');
    const september = await numberOf('POOR');
    expect(await invoice(august)).toMatchObject({ status: 'partially_paid', paid_amount: 1_000 });
    await settleMonth(t.db, { asOf: '2026-11-01', now: NOW, actor: 'test' });
    const permission = () =>
      t.db
        .selectFrom('sending_permission')
        .selectAll()
        .where('customer_code', '=', 'POOR')
        .executeTakeFirstOrThrow();
    expect(await permission()).toMatchObject({ allowed: false, reason: 'unpaid' });
    expect(await pay(august, TOTAL - 1_000, '2026-11-03')).toMatchObject({
      status: 'paid',
      unsuspended: false,
    });
    expect(await permission()).toMatchObject({ allowed: false, reason: 'unpaid' });
    expect(await pay(september, TOTAL, '2026-11-04')).toMatchObject({ status: 'paid', unsuspended: true });
    expect(await permission()).toMatchObject({ allowed: true, reason: null });
  });
});
