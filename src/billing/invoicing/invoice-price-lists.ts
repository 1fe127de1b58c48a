import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { PriceListUsed } from '../../domain/draft-invoice.ts';
import type { PricingMode } from '../../domain/tiers.ts';

/**
 * R18: per product of an issued invoice, the price list its lines name and the tier (volume) or highest band
 * (graduated) they reached, with where that tier ends: what the invoice shows under its lines.
 */
export async function priceListsOfInvoice(db: Db, invoiceId: number): Promise<ReadonlyArray<PriceListUsed>> {
  const rows = await sql<{
    product: string;
    name: string;
    mode: PricingMode;
    tier_from: number;
    tier_to: number | null;
    starts: number[];
  }>`
    with used as (
      select l.product, l.price_list_id, max(l.band_min_parts) as tier_from
      from invoice_lines l where l.invoice_id = ${invoiceId}
      group by l.product, l.price_list_id
    )
    select u.product, p.name, p.mode, u.tier_from,
      (select min(t.min_parts) - 1 from price_tiers t
        where t.price_list_id = u.price_list_id and t.min_parts > u.tier_from) as tier_to,
      array(select distinct t.min_parts::int from price_tiers t where t.price_list_id = u.price_list_id order by 1) as starts
    from used u join price_lists p on p.id = u.price_list_id
    order by u.product
  `.execute(db);
  return rows.rows.map((r) => ({
    product: r.product,
    name: r.name,
    mode: r.mode,
    tierFrom: Number(r.tier_from),
    tierTo: r.tier_to === null ? null : Number(r.tier_to),
    starts: r.starts.map(Number),
  }));
}

/** R18: the graduated products of an invoice with their band starts, for the detail CSV. */
export function graduatedOf(lists: ReadonlyArray<PriceListUsed>) {
  return lists.filter((l) => l.mode === 'graduated').map((l) => ({ product: l.product, starts: l.starts }));
}
