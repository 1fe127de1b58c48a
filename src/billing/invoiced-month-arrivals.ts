import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { formatRupiah } from '../domain/money.ts';

export interface InvoicedMonthArrival {
  readonly customerCode: string;
  readonly month: string;
  readonly invoiceNumber: string;
  readonly records: number;
  readonly parts: number;
  /** Billable parts × the invoice's unit price for the product and operator (the highest band's, if graduated). */
  readonly value: number;
}

/** The database's snapshot now: records loaded after it are the ones an ingest run brought. */
export async function snapshotNow(db: Db): Promise<string> {
  return (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(db)).rows[0]!.s;
}

/**
 * R2/R7: billable records loaded after `before` that belong to a period already invoiced for their customer. The
 * issued invoice does not change: they stay unbilled until a credit note or a correction handles them.
 */
export async function arrivalsForInvoicedMonths(
  db: Db,
  before: string,
): Promise<ReadonlyArray<InvoicedMonthArrival>> {
  const rows = await sql<InvoicedMonthArrival>`
    select c.code as "customerCode", to_char(i.period, 'YYYY-MM') as month, i.number as "invoiceNumber",
      count(*)::int as records, sum(m.parts)::bigint as parts,
      coalesce(sum(m.parts * (
        select l.unit_price from invoice_lines l
        where l.invoice_id = i.id and l.product = m.product and l.operator = m.operator
        order by l.band_min_parts desc limit 1
      )), 0)::bigint as value
    from messages m
    join invoices i on i.customer_id = m.customer_id and i.status <> 'void'
      and m.sent_at >= (i.period::timestamp at time zone 'Asia/Jakarta')
      and m.sent_at < ((i.period_end + 1)::timestamp at time zone 'Asia/Jakarta')
    join customers c on c.id = m.customer_id
    where m.billable and not pg_visible_in_snapshot(m.ingest_xid, ${before}::pg_snapshot)
      and not pg_visible_in_snapshot(m.ingest_xid, i.snapshot)
    group by c.code, i.period, i.number
    order by i.period, c.code
  `.execute(db);
  return rows.rows.map((r) => ({ ...r, parts: Number(r.parts), value: Number(r.value) }));
}

/** Prints the arrivals for an already invoiced month, so finance sees them (nothing when there are none). */
export async function reportInvoicedMonthArrivals(db: Db, before: string, print: boolean) {
  const arrivals = await arrivalsForInvoicedMonths(db, before);
  if (print && arrivals.length > 0) {
    const total = arrivals.reduce((s, a) => s + a.records, 0);
    console.log(
      `\n${total} record(s) belong to months already invoiced; they stay unbilled until a credit note or a correction handles them:`,
    );
    for (const a of arrivals) {
      console.log(
        `  ${a.customerCode} ${a.month} (${a.invoiceNumber}): ${a.records} record(s), ${a.parts} part(s), value ${formatRupiah(a.value)} before PPN`,
      );
    }
  }
  return arrivals;
}
