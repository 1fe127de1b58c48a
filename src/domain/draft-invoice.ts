// R5–R7, R10: what one customer's invoice for a period says, computed from its usage alone: no database, no
// clock. billing/invoicing/compute-invoices.ts loads the usage and checks the drafts against the detail CSV.
import { multiplyRupiah, type Rupiah } from './money.ts';
import { OPERATORS, type Operator } from './numbers.ts';
import { priceListFor, type StoredPriceList, type StoredTaxRule } from './price-list.ts';
import { quotaFor } from './quota.ts';
import { dppFor, dppHundredths, taxFor } from './tax.ts';
import { bandStartsOf, type PricingMode, priceVolumeLines, tierRangeFor, unitPriceFor } from './tiers.ts';

/** What an invoice will say, computed but not yet issued. */
export interface InvoiceDraft {
  readonly customerId: number;
  readonly customerCode: string;
  readonly customerName: string;
  readonly lines: ReadonlyArray<DraftLine>;
  readonly messages: number;
  readonly parts: number;
  readonly subtotal: Rupiah;
  readonly tax: Rupiah;
  readonly total: Rupiah;
  readonly taxRule: StoredTaxRule;
  readonly dppHundredths: number | null;
  /** R6: DPP Nilai Lain in whole rupiah when the rule rounds it first (from 22 May 2025), else null. */
  readonly dpp: Rupiah | null;
  readonly depositBalance: Rupiah;
  readonly quota: Rupiah;
  /** Billable parts per WIB day, days with usage only, in date order. */
  readonly partsPerDay: ReadonlyArray<{ readonly date: string; readonly parts: number }>;
  /** R18: per product, the price list in force and the tier the month reached (shown on the invoice). */
  readonly priceLists: ReadonlyArray<PriceListUsed>;
}

/** R18: which list priced a product, and the tier (volume) or highest band (graduated) the month reached. */
export interface PriceListUsed {
  readonly product: string;
  readonly name: string;
  readonly mode: PricingMode;
  readonly tierFrom: number;
  /** Last part of the tier, inclusive; null for the open-ended last tier. */
  readonly tierTo: number | null;
  /** First part of every band of the list (the detail CSV splits graduated messages by them). */
  readonly starts: ReadonlyArray<number>;
}

export interface DraftLine {
  readonly product: string;
  readonly operator: Operator;
  readonly messages: number;
  readonly parts: number;
  readonly unitPrice: Rupiah;
  readonly amount: Rupiah;
  readonly priceListId: number;
  /** R18: first part of the tier reached (volume) or of the band this line prices (graduated). */
  readonly bandMinParts: number;
}

/** One customer's billable usage in the period, per (product, operator), and per WIB day. */
export interface CustomerUsage {
  readonly customerId: number;
  readonly customerCode: string;
  readonly customerName: string;
  /** First day of the period: the price list in force on it applies (R5). */
  readonly periodStart: string;
  /** R8: the invoice date, named when no tax rule is in force on it. */
  readonly invoiceDate: string;
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly messages: number;
    readonly parts: number;
    /** R18: set for a graduated product: the band these parts fall into (parts counted in send order). */
    readonly bandMinParts?: number;
  }>;
  readonly partsPerDay: ReadonlyArray<{ readonly date: string; readonly parts: number }>;
}

/** R9/R10: the deposit the invoice shows and the quota it states. */
export interface DepositState {
  readonly balance: Rupiah;
  readonly quotaOverride: Rupiah | null;
}

export type DraftOutcome =
  | { readonly kind: 'draft'; readonly draft: InvoiceDraft }
  | { readonly kind: 'parked'; readonly reason: string }
  /** R7: messages in the period but nothing billable: no invoice. */
  | { readonly kind: 'nothing_billable' };

/**
 * R5–R7: prices each product's usage by the list in force on the period's first day (volume lists only: the
 * run cannot bill a graduated list yet), adds PPN by the tax rule of the invoice date (R6), and states the
 * deposit and quota (R10). A customer that cannot be priced is parked with what to do.
 */
export function draftInvoiceFor(
  usage: CustomerUsage,
  priceLists: ReadonlyArray<StoredPriceList>,
  taxRule: StoredTaxRule | undefined,
  deposit: DepositState,
): DraftOutcome {
  if (usage.lines.every((r) => r.parts === 0)) return { kind: 'nothing_billable' };
  if (!taxRule) {
    return {
      kind: 'parked',
      reason: `no tax rule is in force on the invoice date ${usage.invoiceDate} (R6); add one to tax_rules`,
    };
  }
  const priced = priceLines(usage, priceLists);
  if ('problem' in priced) return { kind: 'parked', reason: priced.problem };
  const { lines, priceLists: used } = priced;
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const tax = taxFor(subtotal, taxRule);
  return {
    kind: 'draft',
    draft: {
      customerId: usage.customerId,
      customerCode: usage.customerCode,
      customerName: usage.customerName,
      lines,
      messages: lines.reduce((s, l) => s + l.messages, 0),
      parts: lines.reduce((s, l) => s + l.parts, 0),
      subtotal,
      tax,
      total: subtotal + tax,
      taxRule,
      dppHundredths:
        taxRule.dppNumerator === taxRule.dppDenominator ? null : dppHundredths(subtotal, taxRule),
      dpp: dppFor(subtotal, taxRule),
      depositBalance: deposit.balance,
      // R10: the month's quota is 2 × the deposit, unless the customer has an override.
      quota: quotaFor(deposit.balance, deposit.quotaOverride),
      partsPerDay: [...usage.partsPerDay].sort((a, b) => a.date.localeCompare(b.date)),
      priceLists: used,
    },
  };
}

function priceLines(
  usage: CustomerUsage,
  priceLists: ReadonlyArray<StoredPriceList>,
): { readonly lines: DraftLine[]; readonly priceLists: PriceListUsed[] } | { readonly problem: string } {
  const lines: DraftLine[] = [];
  const used: PriceListUsed[] = [];
  for (const product of [...new Set(usage.lines.map((r) => r.product))].sort()) {
    const productRows = usage.lines.filter((r) => r.product === product && r.parts > 0);
    if (productRows.length === 0) continue;
    const list = priceListFor(priceLists, product, usage.customerId, usage.periodStart);
    if (!list) {
      return {
        problem: `has usage of ${product} in the period but no price list in force on ${usage.periodStart}; add one and run the month again`,
      };
    }
    if (list.mode === 'graduated') {
      const graduated = priceGraduated(product, productRows, list);
      if ('problem' in graduated) return graduated;
      lines.push(...graduated.lines);
      used.push(graduated.used);
      continue;
    }
    try {
      const priced = priceVolumeLines(
        list,
        new Map(productRows.map((r) => [r.operator as Operator, r.parts])),
      );
      const tier = tierRangeFor(
        list,
        productRows.reduce((s, r) => s + r.parts, 0),
      );
      used.push({
        product,
        name: list.name,
        mode: list.mode,
        tierFrom: tier.from,
        tierTo: tier.to,
        starts: bandStartsOf(list),
      });
      for (const p of priced) {
        const row = productRows.find((r) => r.operator === p.operator)!;
        lines.push({
          product,
          operator: p.operator,
          messages: row.messages,
          parts: p.parts,
          unitPrice: p.unitPrice,
          amount: p.amount,
          priceListId: list.id,
          bandMinParts: tier.from,
        });
      }
    } catch (error) {
      return { problem: `price list '${list.name}' cannot price ${product}: ${(error as Error).message}` };
    }
  }
  return { lines, priceLists: used };
}

/**
 * R18 (graduated): one line per (operator, band), each band at its own price. The rows come banded already: which
 * band a part falls into depends on the order the messages were sent, which only the loader (SQL) knows.
 */
function priceGraduated(
  product: string,
  rows: CustomerUsage['lines'],
  list: StoredPriceList,
): { readonly lines: DraftLine[]; readonly used: PriceListUsed } | { readonly problem: string } {
  if (rows.some((r) => r.bandMinParts === undefined)) {
    return {
      problem: `price list '${list.name}' is graduated, but the usage of ${product} was not counted by band`,
    };
  }
  try {
    const lines = rows
      .map((r) => {
        const unitPrice = unitPriceFor(list, r.bandMinParts!, r.operator as Operator);
        return {
          product,
          operator: r.operator as Operator,
          messages: r.messages,
          parts: r.parts,
          unitPrice,
          amount: multiplyRupiah(unitPrice, r.parts, `Amount for ${r.operator} from ${r.bandMinParts} parts`),
          priceListId: list.id,
          bandMinParts: r.bandMinParts!,
        };
      })
      .sort(
        (a, b) =>
          a.bandMinParts - b.bandMinParts || OPERATORS.indexOf(a.operator) - OPERATORS.indexOf(b.operator),
      );
    const top = tierRangeFor(list, Math.max(...lines.map((l) => l.bandMinParts)));
    const used = {
      product,
      name: list.name,
      mode: list.mode,
      tierFrom: top.from,
      tierTo: top.to,
      starts: bandStartsOf(list),
    };
    return { lines, used };
  } catch (error) {
    return { problem: `price list '${list.name}' cannot price ${product}: ${(error as Error).message}` };
  }
}
