import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingRefused } from '../../../src/billing/billing-refused.ts';
import { addDeposit, listDeposits } from '../../../src/billing/deposit/deposits.ts';
import { createDb } from '../../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId } from '../../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['DEPA', 'DEPB', 'DEPRACE'], 10_000_000, '2026-09-01');
});
afterAll(async () => {
  await t.close();
});

describe('R9: the deposit ledger', () => {
  it('R9: a deposit adds a ledger entry; the balance is the running sum', async () => {
    const added = await addDeposit(t.db, {
      customerCode: 'DEPA',
      amount: 5_000_000,
      date: '2026-10-01',
      ref: 'BCA 123',
    });
    expect(added).toMatchObject({ customerCode: 'DEPA', amount: 5_000_000, balanceAfter: 15_000_000 });
    const [account] = await listDeposits(t.db, { customerCode: 'DEPA', minimumDeposit: 10_000_000 });
    expect(account).toMatchObject({ customer_code: 'DEPA', balance: 15_000_000, below_minimum: false });
    expect(account!.entries.map((e) => [e.entry_date, e.kind, e.amount, e.balance_after, e.ref])).toEqual([
      ['2026-09-01', 'deposit', 10_000_000, 10_000_000, 'opening deposit'],
      ['2026-10-01', 'deposit', 5_000_000, 15_000_000, 'BCA 123'],
    ]);
  });

  it('R9: a deposit must be positive and for a known customer', async () => {
    await expect(addDeposit(t.db, { customerCode: 'NOPE', amount: 1, date: '2026-10-01' })).rejects.toThrow(
      /No customer with code 'NOPE'/,
    );
    await expect(
      addDeposit(t.db, { customerCode: 'DEPA', amount: 0, date: '2026-10-01' }),
    ).rejects.toBeInstanceOf(BillingRefused);
  });

  it('R9: the ledger is append-only: entries cannot be changed or removed', async () => {
    const id = await customerId(t.db, 'DEPA');
    await expect(
      sql`update deposit_ledger set amount = 1 where customer_id = ${id}`.execute(t.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from deposit_ledger where customer_id = ${id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('R9: the database refuses an entry that would take the balance below zero', async () => {
    const id = await customerId(t.db, 'DEPB');
    await expect(
      t.db
        .insertInto('deposit_ledger')
        .values({ customer_id: id, entry_date: '2026-10-01', kind: 'deduction', amount: -10_000_001 })
        .execute(),
    ).rejects.toThrow(/balance_after/);
  });

  it('R9: two deductions racing on separate connections never take the balance below zero', async () => {
    const id = await customerId(t.db, 'DEPRACE');
    const pools = [createDb(t.url, 1), createDb(t.url, 1)];
    try {
      const results = await Promise.allSettled(
        pools.map(({ db }) =>
          db.transaction().execute(async (trx) => {
            await trx
              .insertInto('deposit_ledger')
              .values({ customer_id: id, entry_date: '2026-10-01', kind: 'deduction', amount: -6_000_000 })
              .execute();
            await sql`select pg_sleep(0.2)`.execute(trx);
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    } finally {
      await Promise.all(pools.map(({ db }) => db.destroy()));
    }
    const [account] = await listDeposits(t.db, { customerCode: 'DEPRACE', minimumDeposit: 10_000_000 });
    expect(account).toMatchObject({ balance: 4_000_000, below_minimum: true });
  });

  it('R9: `deposits add` and `deposits list --json` show customer_code, balance and the entries', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: t.url };
    const added = JSON.parse(
      (
        await run(
          'npx',
          [
            'tsx',
            'src/cli/deposits.ts',
            'add',
            '--customer',
            'DEPB',
            '--amount',
            '2.500.000',
            '--date',
            '2026-10-02',
            '--json',
          ],
          { env },
        )
      ).stdout,
    );
    expect(added).toMatchObject({
      customer_code: 'DEPB',
      amount: 2_500_000,
      balance: 12_500_000,
      allowed: true,
    });
    const list = JSON.parse(
      (await run('npx', ['tsx', 'src/cli/deposits.ts', 'list', '--json'], { env })).stdout,
    ) as Array<Record<string, unknown>>;
    expect(list.map((a) => [a.customer_code, a.balance])).toEqual([
      ['DEPA', 15_000_000],
      ['DEPB', 12_500_000],
      ['DEPRACE', 4_000_000],
    ]);
    expect(list[1]!.entries).toEqual([
      expect.objectContaining({ kind: 'deposit', amount: 10_000_000, balance_after: 10_000_000 }),
      expect.objectContaining({
        kind: 'deposit',
        amount: 2_500_000,
        balance_after: 12_500_000,
        entry_date: '2026-10-02',
      }),
    ]);
    await expect(
      run(
        'npx',
        ['tsx', 'src/cli/deposits.ts', 'add', '--customer', 'DEPB', '--amount', '-5', '--date', '2026-10-02'],
        { env },
      ),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/not a positive whole rupiah amount/) });
  });
});
