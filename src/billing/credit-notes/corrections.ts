// R16 with R2: what changed after a month's invoices were issued. A message billed in the invoice's snapshot that
// is not billable now (a late Cancel/Reject) can be credited; a message billable now that the invoice did not see
// (a late record) is listed so finance knows it was not billed. Values are at the invoice's own unit prices.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';
import { multiplyRupiah, type Rupiah } from '../../domain/money.ts';
import { billedIn } from '../billed-sql.ts';
import { wibMidnight } from '../invoicing/invoice-files.ts';

export type CorrectionKind = 'late_cancel' | 'late_record';

export interface CorrectionLine {
  readonly customer_code: string;
  readonly invoice_id: number;
  readonly invoice_number: string;
  readonly kind: CorrectionKind;
  readonly product: string;
  readonly operator: string;
  readonly messages: number;
  readonly parts: number;
  /** The invoice line's unit price; null when the invoice has no such line or no single price (graduated). */
  readonly unit_price: Rupiah | null;
  /** parts × unit_price before PPN, null without a unit price. */
  readonly value: Rupiah | null;
  /** late_cancel: parts already credited on this line by earlier credit notes. */
  readonly credited_parts: number;
}

async function invoicesOf(db: Db, month: string) {
  return db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.customer_id', 'i.period', 'i.period_end', 'i.snapshot', 'c.code'])
    .where('i.period', '=', `${month}-01`)
    .where('i.status', '<>', 'void')
    .orderBy('c.code')
    .execute();
}

/** R16: the corrections of one month, per customer, product and operator, in customer order. */
export async function correctionsFor(db: Db, month: string): Promise<CorrectionLine[]> {
  const out: CorrectionLine[] = [];
  for (const inv of await invoicesOf(db, month)) {
    const billed = billedIn(inv.snapshot);
    const rows = await db
      .selectFrom('messages as m')
      .leftJoin('invoice_lines as l', (j) =>
        j
          .onRef('l.product', '=', 'm.product')
          .onRef('l.operator', '=', 'm.operator')
          .on('l.invoice_id', '=', inv.id),
      )
      .select([
        'm.product',
        'm.operator',
        'l.unit_price',
        sql<CorrectionKind>`case when ${billed} then 'late_cancel' else 'late_record' end`.as('kind'),
        sql<number>`count(*)::int`.as('messages'),
        sql<number>`sum(m.parts)::bigint`.as('parts'),
      ])
      .where('m.customer_id', '=', inv.customer_id)
      .where('m.sent_at', '>=', wibMidnight(inv.period))
      .where('m.sent_at', '<', wibMidnight(addDays(inv.period_end, 1)))
      .where(sql<boolean>`(${billed}) is distinct from m.billable`)
      .groupBy(['m.product', 'm.operator', 'l.unit_price', 'kind'])
      .orderBy('kind')
      .orderBy('m.product')
      .orderBy('m.operator')
      .execute();
    const credited = await creditedParts(db, inv.id);
    for (const r of rows) {
      const key = `${r.product}/${r.operator}`;
      out.push({
        customer_code: inv.code,
        invoice_id: inv.id,
        invoice_number: inv.number,
        kind: r.kind,
        product: r.product,
        operator: r.operator,
        messages: r.messages,
        parts: Number(r.parts),
        unit_price: r.unit_price,
        value:
          r.unit_price === null ? null : multiplyRupiah(r.unit_price, Number(r.parts), `correction ${key}`),
        credited_parts: r.kind === 'late_cancel' ? (credited.get(key) ?? 0) : 0,
      });
    }
  }
  return out;
}

/** Parts already credited per line of an invoice by its line credit notes. */
async function creditedParts(db: Db, invoiceId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('credit_note_lines as cl')
    .innerJoin('credit_notes as n', 'n.id', 'cl.credit_note_id')
    .select(['cl.product', 'cl.operator', sql<number>`sum(cl.parts)::bigint`.as('parts')])
    .where('n.invoice_id', '=', invoiceId)
    .groupBy(['cl.product', 'cl.operator'])
    .execute();
  return new Map(rows.map((r) => [`${r.product}/${r.operator}`, Number(r.parts)]));
}
