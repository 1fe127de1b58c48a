import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

export interface PriceListRow {
  readonly id: number;
  readonly product: string;
  readonly customer: string | null;
  readonly mode: string;
  readonly effectiveFrom: string;
  readonly name: string;
  readonly retired: boolean;
  readonly tiers: number;
}

export interface PriceListFilter {
  readonly product?: string;
  readonly customer?: string;
  /** Only the lists in force on this day (per product and customer, the latest started on or before it). */
  readonly at?: string;
}

/** R18: `prices list`: the lists finance keeps, standard and contract, oldest first. */
export async function listPriceLists(db: Db, f: PriceListFilter): Promise<ReadonlyArray<PriceListRow>> {
  const rows = await sql<PriceListRow & { effective_from: string }>`
    select p.id, p.product, c.code as customer, p.mode, to_char(p.effective_from, 'YYYY-MM-DD') as "effectiveFrom",
      p.name, p.retired_at is not null as retired,
      (select count(*)::int from price_tiers t where t.price_list_id = p.id) as tiers
    from price_lists p left join customers c on c.id = p.customer_id
    where true
      ${f.product ? sql`and p.product = ${f.product}` : sql``}
      ${f.customer ? sql`and c.code = ${f.customer}` : sql``}
      ${
        f.at
          ? sql`and p.retired_at is null and p.effective_from = (
              select max(q.effective_from) from price_lists q
              where q.product = p.product and q.customer_id is not distinct from p.customer_id
                and q.retired_at is null and q.effective_from <= ${f.at}::date)`
          : sql``
      }
    order by p.product, c.code nulls first, p.effective_from, p.id
  `.execute(db);
  return rows.rows;
}

/** R18: `prices show ID`: the list and its tiers, or null when there is no such list. */
export async function showPriceList(db: Db, id: number) {
  const [list] = (await listPriceLists(db, {})).filter((l) => l.id === id);
  if (list === undefined) return null;
  const tiers = await db
    .selectFrom('price_tiers')
    .select(['operator', 'min_parts', 'unit_price'])
    .where('price_list_id', '=', id)
    .orderBy('min_parts')
    .orderBy('operator')
    .execute();
  return {
    ...list,
    tiers: tiers.map((t) => ({ operator: t.operator, minParts: t.min_parts, unitPrice: t.unit_price })),
  };
}

/** R18: `prices retire ID`: only a list no invoice used; a retired list is no longer in force. */
export async function retirePriceList(
  db: Db,
  id: number,
): Promise<{ ok: true; name: string } | { ok: false; reason: string }> {
  return db.transaction().execute(async (trx) => {
    const list = await trx
      .selectFrom('price_lists')
      .select(['id', 'name', 'retired_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (list === undefined)
      return { ok: false, reason: `There is no price list ${id}; see 'npm run prices -- list'.` };
    if (list.retired_at !== null)
      return { ok: false, reason: `Price list ${id} (${list.name}) is already retired.` };
    const used = await sql<{ number: string; n: number }>`
      select min(i.number) as number, count(distinct i.id)::int as n
      from invoice_lines l join invoices i on i.id = l.invoice_id where l.price_list_id = ${id}
    `.execute(trx);
    const u = used.rows[0]!;
    if (u.n > 0) {
      return {
        ok: false,
        reason: `Price list ${id} (${list.name}) priced ${u.n} issued invoice(s), e.g. ${u.number}; it stays. Import a new list from a later date instead.`,
      };
    }
    await trx.updateTable('price_lists').set({ retired_at: new Date() }).where('id', '=', id).execute();
    return { ok: true, name: list.name };
  });
}
