import type { Db } from '../../db/connect.ts';
import { isIsoDate } from '../../domain/dates.ts';
import type { Rupiah } from '../../domain/money.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';

export interface RefundRow {
  readonly customer_code: string;
  readonly customer_name: string;
  readonly amount: Rupiah;
  readonly closing_date: string;
  /** R13: closing date + 7 working days. */
  readonly due_date: string;
  readonly paid_on: string | null;
  readonly ref: string | null;
  /** Not paid and past its due date on `today`. */
  readonly overdue: boolean;
}

/** R13: deposit refunds of closed accounts, unpaid ones first, by due date. */
export async function listRefunds(
  db: Db,
  opts: { readonly today: string; readonly unpaidOnly?: boolean },
): Promise<ReadonlyArray<RefundRow>> {
  let q = db
    .selectFrom('refunds as r')
    .innerJoin('customers as c', 'c.id', 'r.customer_id')
    .select(['c.code', 'c.name', 'r.amount', 'r.closing_date', 'r.due_date', 'r.paid_on', 'r.ref'])
    .orderBy((eb) => eb.case().when('r.paid_on', 'is', null).then(0).else(1).end())
    .orderBy('r.due_date')
    .orderBy('c.code');
  if (opts.unpaidOnly) q = q.where('r.paid_on', 'is', null);
  return (await q.execute()).map((r) => ({
    customer_code: r.code,
    customer_name: r.name,
    amount: r.amount,
    closing_date: r.closing_date,
    due_date: r.due_date,
    paid_on: r.paid_on,
    ref: r.ref,
    overdue: r.paid_on === null && r.due_date < opts.today,
  }));
}

/** R13: records that finance transferred a closed account's refund. */
export async function markRefundPaid(
  db: Db,
  input: { readonly customerCode: string; readonly date: string; readonly ref?: string | null },
): Promise<RefundRow> {
  if (!isIsoDate(input.date)) {
    throw new BillingRefused(`--date '${input.date}' is not a date; expected YYYY-MM-DD, e.g. 2026-04-01.`);
  }
  const customer = await customerByCode(db, input.customerCode);
  const refund = await db
    .selectFrom('refunds')
    .select(['id', 'closing_date', 'paid_on'])
    .where('customer_id', '=', customer.id)
    .executeTakeFirst();
  if (!refund) {
    throw new BillingRefused(
      `${customer.code} has no refund to pay (it is not closed, or its deposit was used up). See 'npm run refunds -- list'.`,
    );
  }
  if (refund.paid_on !== null) {
    throw new BillingRefused(`The refund of ${customer.code} was already marked paid on ${refund.paid_on}.`);
  }
  if (input.date < refund.closing_date) {
    throw new BillingRefused(
      `The refund cannot be paid on ${input.date}, before the account was closed (${refund.closing_date}).`,
    );
  }
  await db
    .updateTable('refunds')
    .set({ paid_on: input.date, ref: input.ref ?? null })
    .where('id', '=', refund.id)
    .where('paid_on', 'is', null)
    .execute();
  const row = (await listRefunds(db, { today: input.date })).find((r) => r.customer_code === customer.code);
  return row!;
}
