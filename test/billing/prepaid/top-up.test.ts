import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingRefused } from '../../../src/billing/billing-refused.ts';
import { changePlan } from '../../../src/billing/prepaid/change-plan.ts';
import { recordTopup } from '../../../src/billing/prepaid/top-up.ts';
import { parseCustomerInput } from '../../../src/customers/customer-input.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers } from '../../support/fixtures.ts';
import { addPrepaidCustomers, balanceOf } from './support.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['POST']);
  await addPrepaidCustomers(t.db, ['PRE', 'EDGE', 'LONG']);
});
afterAll(async () => t.close());

describe('R15: the plan of a customer', () => {
  it('R15: a prepaid customer needs no guarantee deposit; a postpaid one still does (R9)', () => {
    const row = { code: 'X', name: 'PT X', email: 'a@x.id', deposit: '' };
    expect(parseCustomerInput({ ...row, plan: 'prepaid' }, 10_000_000)).toMatchObject({
      ok: true,
      customer: { plan: 'prepaid', deposit: 0 },
    });
    expect(parseCustomerInput({ ...row, plan: 'prepaid', deposit: '5000000' }, 10_000_000)).toMatchObject({
      ok: false,
    });
    expect(parseCustomerInput({ ...row, deposit: '10000000' }, 10_000_000)).toMatchObject({
      ok: true,
      customer: { plan: 'postpaid' },
    });
    expect(parseCustomerInput({ ...row, plan: 'weekly' }, 10_000_000)).toMatchObject({ ok: false });
  });

  it('R15: a prepaid customer has an account and no deposit ledger', async () => {
    const c = await t.db
      .selectFrom('customers')
      .select(['id', 'billing'])
      .where('code', '=', 'PRE')
      .executeTakeFirstOrThrow();
    expect(c.billing).toBe('prepaid');
    const deposits = await t.db
      .selectFrom('deposit_ledger')
      .select('id')
      .where('customer_id', '=', c.id)
      .execute();
    expect(deposits).toEqual([]);
    expect(await balanceOf(t.db, 'PRE')).toBe(0);
  });

  it('R15: a postpaid account holding a deposit cannot move to prepaid', async () => {
    await expect(changePlan(t.db, 'POST', 'prepaid')).rejects.toThrow(/guarantee deposit of Rp/);
  });
});

describe('R15: top-ups', () => {
  it('R15: under Rp 100.000 is refused, and so is a top-up of a postpaid account', async () => {
    await expect(
      recordTopup(t.db, { customerCode: 'PRE', amount: 99_999, date: '2026-10-01' }),
    ).rejects.toThrow(/under the minimum of Rp.100\.000/);
    await expect(
      recordTopup(t.db, { customerCode: 'POST', amount: 1_000_000, date: '2026-10-01' }),
    ).rejects.toThrow(BillingRefused);
    expect(await balanceOf(t.db, 'PRE')).toBe(0);
  });

  it.each([
    [100_000, 350],
    [499_999, 350],
    [500_000, 340],
    [1_999_999, 340],
    [2_000_000, 330],
    [7_999_999, 330],
    [8_000_000, 320],
    [29_999_999, 320],
    [30_000_000, 310],
    [99_999_999, 310],
    [100_000_000, 300],
  ])('R15: after a top-up of %i the account pays %i a part', async (amount, price) => {
    const topup = await recordTopup(t.db, { customerCode: 'EDGE', amount, date: '2026-10-02' });
    expect(topup.price_per_part).toBe(price);
    const account = await t.db
      .selectFrom('prepaid_accounts as a')
      .innerJoin('customers as c', 'c.id', 'a.customer_id')
      .select('a.price_per_part')
      .where('c.code', '=', 'EDGE')
      .executeTakeFirstOrThrow();
    expect(account.price_per_part).toBe(price);
  });

  it('R15/R6/R7: the receipt has the next gapless invoice number, PPN on the amount, and the balance grows by the amount', async () => {
    const before = await balanceOf(t.db, 'PRE');
    const a = await recordTopup(t.db, {
      customerCode: 'PRE',
      amount: 500_000,
      date: '2026-10-05',
      ref: 'TRX-1',
    });
    const b = await recordTopup(t.db, { customerCode: 'PRE', amount: 250_000, date: '2026-10-06' });
    // R6 (PPN 12 % of DPP 11/12 from 2025): the invoice's own tax function, on the amount before PPN.
    expect(a).toMatchObject({
      amount: 500_000,
      tax: 55_000,
      total: 555_000,
      balance_after: before + 500_000,
    });
    expect(b.balance_after).toBe(before + 750_000);
    const seq = (n: string) => Number(n.split('/')[3]);
    expect(seq(b.receipt_number)).toBe(seq(a.receipt_number) + 1);
    const counter = await t.db
      .selectFrom('invoice_counters')
      .selectAll()
      .where('year', '=', 2026)
      .executeTakeFirstOrThrow();
    expect(counter.last_number).toBe(seq(b.receipt_number));
    // R15: the latest top-up's tier, not the larger earlier one.
    expect(b.price_per_part).toBe(350);
    const mail = await t.db
      .selectFrom('mail_outbox')
      .select(['kind', 'payload'])
      .where('subject_key', 'like', 'topup:%')
      .execute();
    expect(mail.filter((m) => m.kind === 'prepaid_topup').length).toBeGreaterThanOrEqual(2);
  });

  it('R15: the same bank reference twice records one top-up', async () => {
    const again = await recordTopup(t.db, {
      customerCode: 'PRE',
      amount: 500_000,
      date: '2026-10-05',
      ref: 'TRX-1',
    });
    expect(again.outcome).toBe('duplicate');
    const count = await t.db.selectFrom('prepaid_topups').select('id').where('ref', '=', 'TRX-1').execute();
    expect(count.length).toBe(1);
  });

  it('R15: masa aktif moves to max(current, date + 12 months)', async () => {
    const first = await recordTopup(t.db, { customerCode: 'LONG', amount: 100_000, date: '2026-03-10' });
    expect(first.expires_on).toBe('2027-03-10');
    const earlier = await recordTopup(t.db, { customerCode: 'LONG', amount: 100_000, date: '2026-01-10' });
    expect(earlier.expires_on).toBe('2027-03-10');
    const later = await recordTopup(t.db, { customerCode: 'LONG', amount: 100_000, date: '2026-09-30' });
    expect(later.expires_on).toBe('2027-09-30');
  });
});
