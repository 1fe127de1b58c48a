import type { Db } from '../../db/connect.ts';
import type { Operator } from '../../domain/numbers.ts';
import type { StoredPriceList, StoredTaxRule } from '../../domain/price-list.ts';
import type { PricingMode } from '../../domain/tiers.ts';

/** Every price list with its tiers (a few dozen rows). */
export async function loadPriceLists(db: Db): Promise<ReadonlyArray<StoredPriceList>> {
  const lists = await db
    .selectFrom('price_lists')
    .selectAll()
    .where('retired_at', 'is', null)
    .orderBy('id')
    .execute();
  const tiers = await db.selectFrom('price_tiers').selectAll().execute();
  return lists.map((l) => ({
    id: l.id,
    product: l.product,
    mode: l.mode as PricingMode,
    customerId: l.customer_id,
    effectiveFrom: l.effective_from,
    name: l.name,
    tiers: tiers
      .filter((t) => t.price_list_id === l.id)
      .map((t) => ({ minParts: t.min_parts, operator: t.operator as Operator, unitPrice: t.unit_price }))
      .sort((a, b) => a.minParts - b.minParts),
  }));
}

export async function loadTaxRules(db: Db): Promise<ReadonlyArray<StoredTaxRule>> {
  const rows = await db.selectFrom('tax_rules').selectAll().orderBy('effective_from').execute();
  return rows.map((r) => ({
    id: r.id,
    effectiveFrom: r.effective_from,
    label: r.label,
    ratePercent: r.rate_percent,
    dppNumerator: r.dpp_numerator,
    dppDenominator: r.dpp_denominator,
    rounding: r.rounding,
    roundDppFirst: r.round_dpp_first,
  }));
}

export async function loadHolidays(db: Db): Promise<ReadonlySet<string>> {
  const rows = await db.selectFrom('holidays').select('day').execute();
  return new Set(rows.map((r) => r.day));
}
