import type { Db } from '../../db/connect.ts';
import { formatRupiah, type Rupiah } from '../../domain/money.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';

export interface DepositInput {
  readonly customerCode: string;
  readonly amount: Rupiah;
  /** 'YYYY-MM-DD' the money arrived. */
  readonly date: string;
  readonly ref?: string | null;
}

export interface DepositAdded {
  readonly customerId: number;
  readonly customerCode: string;
  readonly entryId: number;
  readonly amount: Rupiah;
  readonly balanceAfter: Rupiah;
}

/**
 * R9: adds money to a customer's guarantee deposit — a new ledger entry (the ledger is append-only; the
 * database computes the running balance). A closed account takes no deposit.
 */
export async function addDeposit(db: Db, input: DepositInput): Promise<DepositAdded> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new BillingRefused(`A deposit must be a positive whole rupiah amount, got ${input.amount}.`);
  }
  const customer = await customerByCode(db, input.customerCode);
  if (customer.status === 'closed') {
    throw new BillingRefused(
      `${customer.code} was closed on ${customer.closedOn}; a closed account takes no deposit. Nothing was recorded.`,
    );
  }
  const entry = await db
    .insertInto('deposit_ledger')
    .values({
      customer_id: customer.id,
      entry_date: input.date,
      kind: 'deposit',
      amount: input.amount,
      ref: input.ref ?? null,
    })
    .returning(['id', 'balance_after'])
    .executeTakeFirstOrThrow();
  return {
    customerId: customer.id,
    customerCode: customer.code,
    entryId: entry.id,
    amount: input.amount,
    balanceAfter: entry.balance_after,
  };
}

export interface LedgerEntry {
  readonly id: number;
  readonly entry_date: string;
  readonly kind: 'deposit' | 'deduction' | 'refund' | 'adjustment';
  readonly amount: Rupiah;
  readonly balance_after: Rupiah;
  readonly ref: string | null;
  readonly invoice_number: string | null;
}

export interface DepositAccount {
  readonly customer_code: string;
  readonly customer_name: string;
  readonly status: 'active' | 'closed';
  readonly balance: Rupiah;
  /** R9: below the minimum guarantee deposit (an open account should be topped up). */
  readonly below_minimum: boolean;
  readonly entries: ReadonlyArray<LedgerEntry>;
}

/** R9: each customer's deposit balance with its ledger, oldest entry first. */
export async function listDeposits(
  db: Db,
  opts: { readonly customerCode?: string; readonly minimumDeposit: Rupiah },
): Promise<ReadonlyArray<DepositAccount>> {
  let customers = db
    .selectFrom('customers as c')
    .innerJoin('deposit_balances as b', 'b.customer_id', 'c.id')
    .select(['c.id', 'c.code', 'c.name', 'c.status', 'b.balance'])
    .orderBy('c.code');
  if (opts.customerCode !== undefined) {
    const c = await customerByCode(db, opts.customerCode);
    customers = customers.where('c.id', '=', c.id);
  }
  const rows = await customers.execute();
  if (rows.length === 0) return [];
  const entries = await db
    .selectFrom('deposit_ledger as l')
    .leftJoin('invoices as i', 'i.id', 'l.invoice_id')
    .select([
      'l.id',
      'l.customer_id',
      'l.entry_date',
      'l.kind',
      'l.amount',
      'l.balance_after',
      'l.ref',
      'i.number',
    ])
    .where(
      'l.customer_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({
    customer_code: r.code,
    customer_name: r.name,
    status: r.status,
    balance: r.balance,
    below_minimum: r.status === 'active' && r.balance < opts.minimumDeposit,
    entries: entries
      .filter((e) => e.customer_id === r.id)
      .map((e) => ({
        id: e.id,
        entry_date: e.entry_date,
        kind: e.kind,
        amount: e.amount,
        balance_after: e.balance_after,
        ref: e.ref,
        invoice_number: e.number,
      })),
  }));
}

/** 'Rp 10.000.000 (below the minimum of Rp 10.000.000)' style note for people. */
export function describeBalance(account: DepositAccount, minimumDeposit: Rupiah): string {
  const balance = formatRupiah(account.balance);
  return account.below_minimum
    ? `${balance} (below the minimum of ${formatRupiah(minimumDeposit)})`
    : balance;
}
