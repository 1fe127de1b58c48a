// R5: which price list applies, as a pure rule over the lists finance keeps (loaded by billing/invoicing).
import type { TaxRule } from './tax.ts';
import type { PriceList } from './tiers.ts';

export interface StoredPriceList extends PriceList {
  readonly customerId: number | null;
  readonly effectiveFrom: string;
  readonly name: string;
}

export interface StoredTaxRule extends TaxRule {
  readonly id: number;
}

/** R5: the list in force on `day` for the product — the customer's contract list first, else the standard one. */
export function priceListFor(
  lists: ReadonlyArray<StoredPriceList>,
  product: string,
  customerId: number,
  day: string,
): StoredPriceList | undefined {
  const inForce = (owner: number | null) =>
    lists
      .filter((l) => l.product === product && l.customerId === owner && l.effectiveFrom <= day)
      .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  return inForce(customerId) ?? inForce(null);
}
