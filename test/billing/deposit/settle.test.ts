import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSettlement, settleMonth } from '../../../src/billing/deposit/settle.ts';
import { settleFromDeposit } from '../../../src/billing/deposit/settle-from-deposit.ts';
import { runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { recordPayment } from '../../../src/billing/payments/payments.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import { createDb, type Database } from '../../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, insertMessages, tempDir } from '../../support/fixtures.ts';

let t: TestDatabase;
let database: Database;
let config: Config;
const NOW = new Date('2026-11-27T03:00:00Z');
// 100 single-part messages: 35.000 + PPN floor(35.000 × 11 / 100) = 3.850 → total 38.850 (R5, R6).
const TOTAL = 38_850;

async function invoiceMonth(month: string, issueDate: string, customerCode?: string) {
  return runInvoiceMonth(database, config, {
    month,
    issueDate,
    customerCode,
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: NOW,
  });
}

const settle = (asOf: string) => settleMonth(t.db, { asOf, now: NOW, actor: 'test' });

async function invoiceOf(code: string, period = '2026-09-01') {
  return t.db
    .selectFrom('invoices')
    .selectAll()
    .where('customer_id', '=', await customerId(t.db, code))
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
}

async function balance(code: string): Promise<number> {
  const b = await t.db
    .selectFrom('deposit_balances')
    .select('balance')
    .where('customer_code', '=', code)
    .executeTakeFirstOrThrow();
  return b.balance;
}

async function mailsOf(code: string, kind: string) {
  return t.db
    .selectFrom('mail_outbox')
    .select(['subject_key', 'payload'])
    .where('customer_id', '=', await customerId(t.db, code))
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-settle-') };
  await addCustomers(t.db, ['ABOVE', 'PARTIAL', 'EXACT'], 10_000_000);
  await addCustomers(t.db, ['BELOW'], 20_000);
  await addCustomers(t.db, ['EMPTY'], 1);
  await addCustomers(t.db, ['RACE', 'RACE2'], 50_000);
  for (const code of ['ABOVE', 'PARTIAL', 'EXACT', 'BELOW', 'EMPTY']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-09-10T10:00:00+07:00' });
  }
  for (const code of ['RACE', 'RACE2']) {
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-07-10T10:00:00+07:00' });
    await insertMessages(t.db, { customer: code, count: 100, from: '2026-08-10T10:00:00+07:00' });
  }
  await insertMessages(t.db, { customer: 'ABOVE', count: 100, from: '2026-10-10T10:00:00+07:00' });
  await invoiceMonth('2026-09', '2026-10-01');
  // RACE: July invoiced late, so both its invoices are dated September, settled as of 1 October.
  await invoiceMonth('2026-07', '2026-09-01');
  await invoiceMonth('2026-08', '2026-09-01');
  await invoiceMonth('2026-10', '2026-11-01', 'ABOVE'); // dated November: not due for settlement on 1 November
  // EXACT's deposit is exactly its invoice after a deduction for something else.
  await t.db
    .insertInto('deposit_ledger')
    .values({
      customer_id: await customerId(t.db, 'EXACT'),
      entry_date: '2026-09-15',
      kind: 'adjustment',
      amount: TOTAL - 10_000_000,
    })
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe('R11: month-end settlement from the deposit', () => {
  it('R12: a partial payment before settlement leaves the invoice partially paid', async () => {
    const paid = await recordPayment(t.db, {
      invoiceNumber: (await invoiceOf('PARTIAL')).number,
      amount: 10_000,
      date: '2026-10-10',
      ref: 'BCA 1',
      actor: 'test',
    });
    expect(paid).toMatchObject({ status: 'partially_paid', open_after: TOTAL - 10_000 });
  });

  it('R11: a future as-of date is refused', async () => {
    await expect(settle('2026-12-01')).rejects.toThrow(/in the future \(today is 2026-11-27/);
  });

  let first: Awaited<ReturnType<typeof settle>>;
  it('R11: deposit above the open amount: the invoice is settled_from_deposit, no suspension', async () => {
    first = await settle('2026-11-01');
    expect(first.invoice_month).toBe('2026-10');
    const above = await invoiceOf('ABOVE');
    expect(above).toMatchObject({ status: 'settled_from_deposit', paid_amount: TOTAL });
    expect(await balance('ABOVE')).toBe(10_000_000 - TOTAL);
    const ledger = await t.db
      .selectFrom('deposit_ledger')
      .select(['kind', 'amount', 'invoice_id', 'entry_date', 'balance_after'])
      .where('invoice_id', '=', above.id)
      .execute();
    expect(ledger).toEqual([
      {
        kind: 'deduction',
        amount: -TOTAL,
        invoice_id: above.id,
        entry_date: '2026-11-01',
        balance_after: 10_000_000 - TOTAL,
      },
    ]);
    const payments = await t.db
      .selectFrom('payments')
      .select(['method', 'amount', 'paid_on'])
      .where('invoice_id', '=', above.id)
      .execute();
    expect(payments).toEqual([{ method: 'deposit', amount: TOTAL, paid_on: '2026-11-01' }]);
    expect(await mailsOf('ABOVE', 'settled_from_deposit')).toEqual([
      {
        subject_key: `settle:${above.id}`,
        payload: {
          invoice_number: above.number,
          amount: TOTAL,
          open_after: 0,
          balance_after: 10_000_000 - TOTAL,
        },
      },
    ]);
    expect(await mailsOf('ABOVE', 'suspended_unpaid')).toEqual([]);
    expect(first.suspended).not.toContain('ABOVE');
  });

  it('R11: an invoice issued in the as-of month itself is not touched', async () => {
    expect(await invoiceOf('ABOVE', '2026-10-01')).toMatchObject({ status: 'issued', paid_amount: 0 });
  });

  it('R11: deposit exactly the open amount: settled, balance zero, no suspension', async () => {
    expect(await invoiceOf('EXACT')).toMatchObject({ status: 'settled_from_deposit', paid_amount: TOTAL });
    expect(await balance('EXACT')).toBe(0);
    expect(first.suspended).not.toContain('EXACT');
  });

  it('R11/R12: a partial payment before settlement: the deposit takes only what is still open', async () => {
    expect(await invoiceOf('PARTIAL')).toMatchObject({ status: 'settled_from_deposit', paid_amount: TOTAL });
    expect(await balance('PARTIAL')).toBe(10_000_000 - (TOTAL - 10_000));
  });

  it('R11: deposit below the open amount: it takes the whole deposit, the invoice stays partially paid, the account is suspended', async () => {
    const below = await invoiceOf('BELOW');
    expect(below).toMatchObject({ status: 'partially_paid', paid_amount: 20_000 });
    expect(await balance('BELOW')).toBe(0);
    expect(first.suspended).toContain('BELOW');
    expect(first.invoices.find((i) => i.customer_code === 'BELOW')).toEqual({
      invoice_number: below.number,
      customer_code: 'BELOW',
      open_before: TOTAL,
      deducted: 20_000,
      open_after: TOTAL - 20_000,
      balance_after: 0,
      status: 'partially_paid',
      already_settled: false,
    });
    const permission = await t.db
      .selectFrom('sending_permission')
      .selectAll()
      .where('customer_code', '=', 'BELOW')
      .executeTakeFirstOrThrow();
    expect(permission).toMatchObject({ allowed: false, reason: 'unpaid' });
    expect((await mailsOf('BELOW', 'settled_from_deposit'))[0]!.payload).toEqual({
      invoice_number: below.number,
      amount: 20_000,
      open_after: TOTAL - 20_000,
      balance_after: 0,
    });
    expect((await mailsOf('BELOW', 'suspended_unpaid')).map((m) => m.payload)).toEqual([
      { invoice_numbers: [below.number], open_amount: TOTAL - 20_000 },
    ]);
  });

  it('R11: an empty deposit pays nothing, and the account is suspended', async () => {
    // EMPTY's deposit of 1 rupiah pays 1; the rest stays open.
    expect(await invoiceOf('EMPTY')).toMatchObject({ status: 'partially_paid', paid_amount: 1 });
    expect(first.suspended).toContain('EMPTY');
  });

  it('R11: settle run twice deducts once', async () => {
    const ledgerBefore = await t.db.selectFrom('deposit_ledger').selectAll().orderBy('id').execute();
    const again = await settle('2026-11-01');
    expect(again.deducted_total).toBe(0);
    expect(again.suspended).toEqual([]);
    expect(again.invoices.every((i) => i.already_settled)).toBe(true);
    expect(await t.db.selectFrom('deposit_ledger').selectAll().orderBy('id').execute()).toEqual(ledgerBefore);
    expect(await mailsOf('BELOW', 'suspended_unpaid')).toHaveLength(1);
    expect(await mailsOf('BELOW', 'settled_from_deposit')).toHaveLength(1);
  });

  it('R11/R12: paying the rest in full lifts the unpaid suspension', async () => {
    const below = await invoiceOf('BELOW');
    const paid = await recordPayment(t.db, {
      invoiceNumber: below.number,
      amount: TOTAL - 20_000,
      date: '2026-11-05',
      ref: 'BCA 2',
      actor: 'test',
    });
    expect(paid).toMatchObject({ status: 'paid', open_after: 0, unsuspended: true });
    const permission = await t.db
      .selectFrom('sending_permission')
      .selectAll()
      .where('customer_code', '=', 'BELOW')
      .executeTakeFirstOrThrow();
    expect(permission).toMatchObject({ allowed: true, reason: null });
    expect((await mailsOf('BELOW', 'payment_received')).map((m) => m.payload)).toEqual([
      { invoice_number: below.number, amount: TOTAL - 20_000, paid_on: '2026-11-05', open_after: 0 },
    ]);
  });

  it('R9/R11: two settlements of different invoices of one customer, racing, spend each rupiah once', async () => {
    const id = await customerId(t.db, 'RACE2');
    const [july, august] = [await invoiceOf('RACE2', '2026-07-01'), await invoiceOf('RACE2', '2026-08-01')];
    const pools = [createDb(t.url, 1), createDb(t.url, 1)];
    try {
      // The first holds its transaction open a while; the second starts meanwhile, on its own connection.
      const slow = pools[0]!.db.transaction().execute(async (trx) => {
        const s = await settleFromDeposit(trx, id, [july.id], '2026-10-01', 'race');
        await sql`select pg_sleep(0.3)`.execute(trx);
        return s;
      });
      await new Promise((r) => setTimeout(r, 50));
      const fast = pools[1]!.db
        .transaction()
        .execute((trx) => settleFromDeposit(trx, id, [august.id], '2026-10-01', 'race'));
      const [a, b] = await Promise.all([slow, fast]);
      expect([a[0]!.deducted, b[0]!.deducted]).toEqual([TOTAL, 50_000 - TOTAL]);
    } finally {
      await Promise.all(pools.map(({ db }) => db.destroy()));
    }
    expect(await balance('RACE2')).toBe(0);
  });

  it('R9/R11: the deposit never goes below zero when two settlements race on separate connections', async () => {
    // RACE: a deposit of 50.000 against two September invoices of 38.850 each.
    const pools = [createDb(t.url, 2), createDb(t.url, 2)];
    try {
      // Straight at the step (no job lock), so only the row locks and the ledger's check stand in the way.
      const runs = await Promise.all(
        pools.map(({ db }) => settleMonth(db, { asOf: '2026-10-01', now: NOW, actor: 'race' })),
      );
      const deducted = runs.flatMap((r) => r.invoices).filter((i) => i.customer_code === 'RACE');
      expect(deducted.reduce((s, i) => s + i.deducted, 0)).toBe(50_000);
      // And two copies of the job itself, each under the lock.
      await Promise.all(pools.map((p) => runSettlement(p, { asOf: '2026-10-01', now: NOW, actor: 'race' })));
    } finally {
      await Promise.all(pools.map(({ db }) => db.destroy()));
    }
    expect(await balance('RACE')).toBe(0);
    const id = await customerId(t.db, 'RACE');
    const ledger = await t.db
      .selectFrom('deposit_ledger')
      .selectAll()
      .where('customer_id', '=', id)
      .orderBy('id')
      .execute();
    expect(ledger.map((l) => l.amount)).toEqual([50_000, -TOTAL, -(50_000 - TOTAL)]);
    expect(ledger.every((l) => l.balance_after >= 0)).toBe(true);
    const payments = await t.db
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select(['p.amount', 'i.status'])
      .where('i.customer_id', '=', id)
      .where('p.method', '=', 'deposit')
      .orderBy('p.amount', 'desc')
      .execute();
    expect(payments).toEqual([
      { amount: TOTAL, status: 'settled_from_deposit' },
      { amount: 50_000 - TOTAL, status: 'partially_paid' },
    ]);
  });

  it('R11: `settle --json` reports each invoice with what the deposit paid', async () => {
    const run = promisify(execFile);
    const out = await run('npx', ['tsx', 'src/cli/settle.ts', '--as-of', '2026-11-01', '--json'], {
      env: { ...process.env, DATABASE_URL: t.url },
    });
    const summary = JSON.parse(out.stdout);
    expect(summary).toMatchObject({ as_of: '2026-11-01', invoice_month: '2026-10', deducted_total: 0 });
    expect(summary.invoices[0]).toEqual(
      expect.objectContaining({
        invoice_number: expect.any(String),
        customer_code: expect.any(String),
        deducted: 0,
        open_after: expect.any(Number),
        balance_after: expect.any(Number),
        already_settled: true,
      }),
    );
  });
});
