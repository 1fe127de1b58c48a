import { sql, type Transaction } from 'kysely';
import type { DB, InvoiceStatus } from '../../db/schema.ts';
import type { Rupiah } from '../../domain/money.ts';
import { queueMail } from '../../mail/outbox.ts';

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
    .select(['id', 'number', 'total', 'paid_amount', 'status', 'customer_id'])
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
    const openBefore = invoice.total - invoice.paid_amount;
    if (invoice.status === 'void' || openBefore <= 0) continue;
    const balance = (
      await trx
        .selectFrom('deposit_balances')
        .select('balance')
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow()
    ).balance;
    const earlier = await trx
      .selectFrom('payments')
      .select('id')
      .where('invoice_id', '=', invoice.id)
      .where('method', '=', 'deposit')
      .executeTakeFirst();
    if (earlier) {
      settled.push({
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        openBefore,
        deducted: 0,
        openAfter: openBefore,
        balanceAfter: balance,
        status: invoice.status,
        alreadySettled: true,
      });
      continue;
    }
    // R11: the ledger takes min(open, deposit balance).
    const deducted = Math.min(openBefore, balance);
    const openAfter = openBefore - deducted;
    let balanceAfter = balance;
    let status = invoice.status;
    if (deducted > 0) {
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
      balanceAfter = entry.balance_after;
      await trx
        .insertInto('payments')
        .values({
          invoice_id: invoice.id,
          amount: deducted,
          paid_on: date,
          method: 'deposit',
          ref: 'deposit',
        })
        .execute();
      status = openAfter === 0 ? 'settled_from_deposit' : 'partially_paid';
      await trx
        .updateTable('invoices')
        .set({ paid_amount: sql`paid_amount + ${deducted}`, status })
        .where('id', '=', invoice.id)
        .execute();
      await trx
        .insertInto('invoice_events')
        .values({
          invoice_id: invoice.id,
          event: 'settled_from_deposit',
          actor,
          detail: `${deducted} from the deposit on ${date}, ${openAfter} still open`,
        })
        .execute();
      await queueMail(trx, {
        kind: 'settled_from_deposit',
        subjectKey: `settle:${invoice.id}`,
        customerId,
        invoiceId: invoice.id,
        payload: {
          invoice_number: invoice.number,
          amount: deducted,
          open_after: openAfter,
          balance_after: balanceAfter,
        },
      });
    }
    settled.push({
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      openBefore,
      deducted,
      openAfter,
      balanceAfter,
      status,
      alreadySettled: false,
    });
  }
  return settled;
}
