import { sql } from 'kysely';
import { loadTaxRules } from '../billing/invoicing/reference-data.ts';
import { buyerTaxIdentityFrom } from '../customers/buyer-tax-input.ts';
import type { Db } from '../db/connect.ts';
import type { StoredLine } from '../domain/faktur-amounts.ts';
import { type TaxRule, taxRuleFor } from '../domain/tax.ts';
import type { BuyerTaxIdentity } from '../domain/tax-ids.ts';

/** An issued invoice of the month as stored (R6: issued invoices keep their amounts), with its buyer. */
export interface EfakturInvoice {
  readonly id: number;
  readonly number: string;
  readonly customerCode: string;
  readonly invoiceDate: string;
  readonly periodStart: string;
  readonly subtotal: number;
  readonly tax: number;
  /** R6: the tax rule in force on the invoice date; undefined when none is (the checks refuse the invoice). */
  readonly taxRule: TaxRule | undefined;
  readonly buyerName: string;
  readonly buyerAddress: string | null;
  readonly buyerEmail: string;
  readonly buyer: BuyerTaxIdentity | null;
  readonly lines: ReadonlyArray<StoredLine & { readonly name: string }>;
  /** True when a Coretax XML already holds it (the export log). */
  readonly exported: boolean;
}

async function linesOf(
  db: Db,
  periodStart: string,
): Promise<Map<number, Array<StoredLine & { name: string }>>> {
  const rows = await db
    .selectFrom('invoice_lines as l')
    .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .innerJoin('products as p', 'p.code', 'l.product')
    .innerJoin('operators as o', 'o.id', 'l.operator')
    .select([
      'l.invoice_id',
      'l.parts',
      'l.unit_price',
      'l.amount',
      'p.name as product',
      'o.name as operator',
    ])
    .where('i.period', '=', periodStart)
    .where('i.status', '<>', 'void')
    .orderBy('l.invoice_id')
    .orderBy('l.product')
    .orderBy('l.operator')
    .execute();
  const byInvoice = new Map<number, Array<StoredLine & { name: string }>>();
  const month = periodStart.slice(0, 7);
  for (const r of rows) {
    const list = byInvoice.get(r.invoice_id) ?? [];
    list.push({
      parts: r.parts,
      unitPrice: r.unit_price,
      amount: r.amount,
      // The service as the buyer reads it on the faktur: product, operator, month, what a unit is.
      name: `${r.product} ${r.operator} ${month} (per bagian pesan)`,
    });
    byInvoice.set(r.invoice_id, list);
  }
  return byInvoice;
}

/** R17: the month's issued invoices (void ones left out), oldest number first, with lines and buyer. */
export async function loadEfakturMonth(db: Db, periodStart: string): Promise<ReadonlyArray<EfakturInvoice>> {
  const rows = await db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select([
      'i.id',
      'i.number',
      'c.code',
      sql<string>`i.invoice_date::text`.as('invoice_date'),
      sql<string>`i.period::text`.as('period'),
      'i.subtotal',
      'i.tax',
      'c.name',
      'c.address',
      'c.emails',
      'c.buyer_document',
      'c.buyer_document_number',
      'c.buyer_nitku',
      'c.buyer_country',
      sql<boolean>`exists (select 1 from efaktur_exports e where e.invoice_id = i.id)`.as('exported'),
    ])
    .where('i.period', '=', periodStart)
    .where('i.status', '<>', 'void')
    .orderBy('i.year')
    .orderBy('i.sequence')
    .execute();
  const lines = await linesOf(db, periodStart);
  const rules = await loadTaxRules(db);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    customerCode: r.code,
    invoiceDate: r.invoice_date,
    periodStart: r.period,
    subtotal: r.subtotal,
    tax: r.tax,
    taxRule: taxRuleFor(rules, r.invoice_date),
    buyerName: r.name,
    buyerAddress: r.address,
    buyerEmail: r.emails[0] ?? '',
    buyer: buyerTaxIdentityFrom(r),
    lines: lines.get(r.id) ?? [],
    exported: r.exported,
  }));
}

/** R17: invoices of the month that went into a Coretax XML and were voided since: their faktur must be cancelled. */
export async function voidedAfterExport(db: Db, periodStart: string): Promise<ReadonlyArray<string>> {
  const rows = await db
    .selectFrom('invoices as i')
    .select('i.number')
    .where('i.period', '=', periodStart)
    .where('i.status', '=', 'void')
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('efaktur_exports as e').select('e.id').whereRef('e.invoice_id', '=', 'i.id')),
    )
    .orderBy('i.number')
    .execute();
  return rows.map((r) => r.number);
}
