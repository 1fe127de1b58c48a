// R16: reading credit notes back for the command line, the register and the review page.
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { BillingRefused } from '../billing-refused.ts';

export interface CreditNoteRow {
  readonly id: number;
  readonly number: string;
  readonly invoice_number: string;
  readonly customer_code: string;
  readonly credit_date: string;
  readonly kind: string;
  readonly reason: string;
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  readonly total: Rupiah;
  readonly tax_label: string;
  readonly reduced_open: Rupiah;
  readonly to_credit: Rupiah;
}

export interface CreditNoteFilter {
  readonly invoiceNumber?: string;
  readonly customerCode?: string;
  /** 'YYYY-MM': the credit notes of the invoices of that period. */
  readonly period?: string;
  readonly invoiceIds?: ReadonlyArray<number>;
}

function base(db: Db) {
  return db
    .selectFrom('credit_notes as n')
    .innerJoin('invoices as i', 'i.id', 'n.invoice_id')
    .innerJoin('customers as c', 'c.id', 'n.customer_id')
    .select([
      'n.id',
      'n.number',
      'i.number as invoice_number',
      'c.code as customer_code',
      'n.credit_date',
      'n.kind',
      'n.reason',
      'n.subtotal',
      'n.tax',
      'n.total',
      'n.tax_label',
      'n.reduced_open',
      'n.to_credit',
    ]);
}

/** Credit notes in number order (year, then sequence), optionally of one invoice, customer or period. */
export async function listCreditNotes(db: Db, filter: CreditNoteFilter = {}): Promise<CreditNoteRow[]> {
  let q = base(db).orderBy('n.year').orderBy('n.sequence');
  if (filter.invoiceNumber !== undefined) q = q.where('i.number', '=', filter.invoiceNumber);
  if (filter.customerCode !== undefined) q = q.where('c.code', '=', filter.customerCode);
  if (filter.period !== undefined) q = q.where('i.period', '=', `${filter.period}-01`);
  if (filter.invoiceIds !== undefined) {
    if (filter.invoiceIds.length === 0) return [];
    q = q.where('n.invoice_id', 'in', [...filter.invoiceIds]);
  }
  return q.execute();
}

export interface CreditNoteDetail extends CreditNoteRow {
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly parts: number;
    readonly unit_price: Rupiah | null;
    readonly amount: Rupiah;
  }>;
}

/** One credit note with its lines, or BillingRefused naming the number and how numbers look. */
export async function showCreditNote(db: Db, number: string): Promise<CreditNoteDetail> {
  const note = await base(db).where('n.number', '=', number).executeTakeFirst();
  if (!note)
    throw new BillingRefused(`No credit note numbered '${number}' (expected e.g. CN/2026/12/00001).`);
  const lines = await db
    .selectFrom('credit_note_lines')
    .select(['product', 'operator', 'parts', 'unit_price', 'amount'])
    .where('credit_note_id', '=', note.id)
    .orderBy('product')
    .orderBy('operator')
    .execute();
  return { ...note, lines };
}

/** The customer's credit balance (R16), from the append-only ledger. */
export async function customerCreditBalance(db: Db, customerId: number): Promise<Rupiah> {
  const row = await db
    .selectFrom('customer_credit_balances')
    .select('balance')
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row?.balance ?? 0;
}
