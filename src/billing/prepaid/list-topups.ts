// R15: the top-ups recorded, newest first.
import type { Db } from '../../db/connect.ts';

export interface TopupRow {
  readonly customer_code: string;
  readonly receipt_number: string;
  readonly topup_date: string;
  readonly amount: number;
  readonly tax: number;
  readonly total: number;
  readonly price_per_part: number;
  readonly expires_on: string;
  readonly ref: string | null;
}

export async function listTopups(db: Db, customerCode?: string): Promise<ReadonlyArray<TopupRow>> {
  let q = db
    .selectFrom('prepaid_topups as t')
    .innerJoin('customers as c', 'c.id', 't.customer_id')
    .select([
      'c.code as customer_code',
      't.number as receipt_number',
      't.topup_date',
      't.amount',
      't.tax',
      't.total',
      't.unit_price as price_per_part',
      't.expires_on',
      't.ref',
    ])
    .orderBy('t.topup_date', 'desc')
    .orderBy('t.id', 'desc');
  if (customerCode !== undefined) q = q.where('c.code', '=', customerCode);
  return q.execute();
}
