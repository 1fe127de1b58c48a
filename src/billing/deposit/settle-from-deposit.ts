import type { Transaction } from 'kysely';
import type { DB, InvoiceStatus } from '../../db/schema.ts';
import { creditedOf, isOpen, openAmount } from '../../domain/invoice-balance.ts';
import type { Rupiah } from '../../domain/money.ts';
import { queueMail } from '../../mail/outbox.ts';
import { recordPaymentOn } from '../payments/apply-payment.ts';

export interface InvoiceSettlement {
  readonly invoiceId: number;
  readonly invoiceNumber: string;
  readonly openBefore: Rupiah;
  /** What the deposit paid now (0 when the deposit was empty). */
  readonly deducted: Rupiah;
  readonly openAfter: Rupiah;
  readonly balanceAfter: Rupiah;
  readonly status: InvoiceStatus;
  /** The invoice already had its deposit payment: nothing was done. */
  readonly alreadySettled: boolean;
}

/**
 * R11: pays one customer's open invoices from the guarantee deposit, oldest first, each taking
 * min(open, deposit balance): a deduction in the ledger and a payment of method 'deposit', the invoice
 * 'settled_from_deposit' when nothing is left open, and a notice per deduction. Runs in the caller's
 * transaction, holding the customer's row lock (the ledger trigger takes the same lock), so two settlements
 * cannot spend the same rupiah; the unique deposit payment per invoice makes a rerun deduct nothing.
 */
export async function settleFromDeposit(
  trx: Transaction<DB>,
  customerId: number,
  invoiceIds: ReadonlyArray<number>,
  date: string,
  actor: string,
): Promise<ReadonlyArray<InvoiceSettlement>> {
  if (invoiceIds.length === 0) return [];
  await trx.selectFrom('customers').select('id').where('id', '=', customerId).forUpdate().execute();
  const invoices = await trx
    .selectFrom('invoices')
    .select([
      'id',
      'number',
      'total',
      'paid_amount',
      'credit_reduced',
      'credit_used',
      'status',
      'customer_id',
    ])
    .where('id', 'in', [...invoiceIds])
    .orderBy('invoice_date')
    .orderBy('id')
    .forUpdate()
    .execute();
  const settled: InvoiceSettlement[] = [];
  for (const invoice of invoices) {
    if (invoice.customer_id !== customerId) {
      throw new Error(`Invoice ${invoice.number} is not of customer ${customerId}.`);
    }
    const balance = { total: invoice.total, paidAmount: invoice.paid_amount, credited: creditedOf(invoice) };
    // R16: a credit note reduced what the deposit settles.
    if (!isOpen({ ...balance, status: invoice.status })) continue;
    settled.push(await settleOne(trx, invoice, date, actor));
  }
  return settled;
}

/** An open invoice as settlement reads it. */
interface SettledInvoice {
  id: number;
  number: string;
  total: Rupiah;
  paid_amount: Rupiah;
  credit_reduced: Rupiah;
  credit_used: Rupiah;
  status: InvoiceStatus;
  customer_id: number;
}

/** R11: an invoice the deposit already paid (a rerun of the month's settlement) is not settled again. */
async function settledBefore(trx: Transaction<DB>, invoiceId: number): Promise<boolean> {
  const earlier = await trx
    .selectFrom('payments')
    .select('id')
    .where('invoice_id', '=', invoiceId)
    .where('method', '=', 'deposit')
    .executeTakeFirst();
  return earlier !== undefined;
}

async function settleOne(
  trx: Transaction<DB>,
  invoice: SettledInvoice,
  date: string,
  actor: string,
): Promise<InvoiceSettlement> {
  const customerId = invoice.customer_id;
  const openBefore = openAmount({
    total: invoice.total,
    paidAmount: invoice.paid_amount,
    credited: creditedOf(invoice),
  });
  const balance = await depositBalance(trx, customerId);
  const unchanged = {
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    openBefore,
    balanceAfter: balance,
  };
  if (await settledBefore(trx, invoice.id)) {
    return { ...unchanged, deducted: 0, openAfter: openBefore, status: invoice.status, alreadySettled: true };
  }
  // R11: the ledger takes min(open, deposit balance).
  const deducted = Math.min(openBefore, balance);
  if (deducted === 0) {
    return { ...unchanged, deducted, openAfter: openBefore, status: invoice.status, alreadySettled: false };
  }
  const entry = await trx
    .insertInto('deposit_ledger')
    .values({
      customer_id: customerId,
      entry_date: date,
      kind: 'deduction',
      amount: -deducted,
      ref: invoice.number,
      invoice_id: invoice.id,
    })
    .returning('balance_after')
    .executeTakeFirstOrThrow();
  const applied = await recordPaymentOn(trx, invoice, {
    amount: deducted,
    date,
    source: 'deposit',
    ref: 'deposit',
    actor,
    detail: (openAfter) => `${deducted} from the deposit on ${date}, ${openAfter} still open`,
  });
  await queueMail(trx, {
    kind: 'settled_from_deposit',
    subjectKey: `settle:${invoice.id}`,
    customerId,
    invoiceId: invoice.id,
    payload: {
      invoice_number: invoice.number,
      amount: deducted,
      open_after: applied.openAfter,
      balance_after: entry.balance_after,
    },
  });
  return {
    ...unchanged,
    deducted,
    openAfter: applied.openAfter,
    balanceAfter: entry.balance_after,
    status: applied.status,
    alreadySettled: false,
  };
}

async function depositBalance(trx: Transaction<DB>, customerId: number): Promise<Rupiah> {
  const row = await trx
    .selectFrom('deposit_balances')
    .select('balance')
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return row.balance;
}
