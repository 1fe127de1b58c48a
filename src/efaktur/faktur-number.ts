import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

/** R17: an invoice's Faktur Pajak as Coretax numbered it. */
export interface FakturNumber {
  /** 17 digits, e.g. 04002600000000123. */
  readonly number: string;
  /** 'YYYY-MM-DD'. */
  readonly date: string;
}

/**
 * R17: the faktur number imported for an invoice (`efaktur import-numbers`), or null before it is. For the PDF's
 * and the review page's "No. Faktur Pajak" on later copies of the invoice.
 */
export async function fakturNumberOfInvoice(db: Db, invoiceId: number): Promise<FakturNumber | null> {
  const row = await db
    .selectFrom('faktur_numbers')
    .select(['faktur_number', sql<string>`faktur_date::text`.as('faktur_date')])
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
  return row ? { number: row.faktur_number, date: row.faktur_date } : null;
}
