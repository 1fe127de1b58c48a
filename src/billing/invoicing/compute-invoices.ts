import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import type { Operator } from '../../domain/numbers.ts';
import { dppHundredths, taxFor, taxRuleFor } from '../../domain/tax.ts';
import { priceVolumeLines } from '../../domain/tiers.ts';
import { billedIn } from '../billed-sql.ts';
import { loadPriceLists, loadTaxRules, priceListFor, type StoredTaxRule } from './reference-data.ts';

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
  readonly depositBalance: Rupiah;
  readonly quota: Rupiah;
  /** Billable parts per WIB day, days with usage only, in date order. */
  readonly partsPerDay: ReadonlyArray<{ readonly date: string; readonly parts: number }>;
}

export interface DraftLine {
  readonly product: string;
  readonly operator: Operator;
  readonly messages: number;
  readonly parts: number;
  readonly unitPrice: Rupiah;
  readonly amount: Rupiah;
  readonly priceListId: number;
}

export interface Parked {
  readonly customerId: number;
  readonly customerCode: string;
  readonly reason: string;
}

export interface BillingWindow {
  /** First day of the period ('YYYY-MM-01'): the price list in force on it applies (R5). */
  readonly periodStart: string;
  /** [start, endExclusive) instants of the period (R1); a closing account's final period ends early (R13). */
  readonly start: Date;
  readonly endExclusive: Date;
  /** R8: the invoice date (tax rule and due date follow from it). */
  readonly invoiceDate: string;
  /** Only these customers (by id); all when absent. */
  readonly customerIds?: ReadonlyArray<number>;
  /** Customers already invoiced for the period: not computed again. */
  readonly excludeCustomerIds?: ReadonlyArray<number>;
}

export interface MonthComputation {
  /** pg_snapshot the figures were computed on (kept with each invoice). */
  readonly snapshot: string;
  readonly drafts: ReadonlyArray<InvoiceDraft>;
  readonly parked: ReadonlyArray<Parked>;
  /** Customers with messages in the period but nothing billable (R7: no invoice). */
  readonly withoutBillableUsage: ReadonlyArray<string>;
}

interface UsageRow {
  customer_id: number;
  product: string;
  operator: string;
  messages: number;
  parts: number;
}

/**
 * Computes every invoice of a period from one grouped query (R5–R8), then checks each against an independent
 * per-message SQL sum — the same sum the detail CSV shows — and parks the customers whose figures disagree.
 */
export async function computeInvoices(db: Db, window: BillingWindow): Promise<MonthComputation> {
  const [priceLists, taxRules] = await Promise.all([loadPriceLists(db), loadTaxRules(db)]);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const snapshot = (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(trx))
        .rows[0]!.s;
      const only = window.customerIds;
      // One scan of the period, grouped per (customer, product, operator, WIB day) and folded twice: per line and
      // per day. Beside the figures it counts what the detail CSV will bill — its own predicate, as of the
      // snapshot — so the invariant checks need no second pass over the month.
      const grouped = await sql<
        UsageRow & { day: string | null; billed_messages: number; billed_parts: number }
      >`
        with g as (
          select m.customer_id, m.product, m.operator, ((m.sent_at + interval '7 hours') at time zone 'UTC')::date as day,
            count(*) filter (where m.billable) as messages,
            coalesce(sum(m.parts) filter (where m.billable), 0) as parts,
            count(*) filter (where ${billedIn(snapshot)}) as billed_messages,
            coalesce(sum(m.parts) filter (where ${billedIn(snapshot)}), 0) as billed_parts
          from messages m
          where m.sent_at >= ${window.start} and m.sent_at < ${window.endExclusive}
            ${only ? sql`and m.customer_id = any(${[...only]}::bigint[])` : sql``}
            ${window.excludeCustomerIds?.length ? sql`and m.customer_id <> all(${[...window.excludeCustomerIds]}::bigint[])` : sql``}
          group by 1, 2, 3, 4
        )
        select customer_id, product, operator, null::text as day, sum(messages)::bigint as messages,
          sum(parts)::bigint as parts, sum(billed_messages)::bigint as billed_messages, sum(billed_parts)::bigint as billed_parts
        from g group by customer_id, product, operator
        union all
        select customer_id, null, null, day::text, 0, sum(parts)::bigint, 0, 0
        from g group by customer_id, day having sum(parts) > 0
      `.execute(trx);
      const usage = { rows: grouped.rows.filter((r) => r.day === null) };
      const billed: BilledFigures = new Map();
      for (const r of usage.rows) {
        const list = (billed as Map<number, BilledLine[]>).get(Number(r.customer_id)) ?? [];
        list.push({
          product: r.product,
          operator: r.operator,
          messages: r.billed_messages,
          parts: r.billed_parts,
        });
        (billed as Map<number, BilledLine[]>).set(Number(r.customer_id), list);
      }
      const daily = new Map<number, Array<{ date: string; parts: number }>>();
      for (const r of grouped.rows) {
        if (r.day === null) continue;
        const list = daily.get(Number(r.customer_id)) ?? [];
        list.push({ date: r.day, parts: r.parts });
        daily.set(Number(r.customer_id), list);
      }
      const customerIds = [...new Set(usage.rows.map((r) => Number(r.customer_id)))];
      const customers = customerIds.length
        ? await trx
            .selectFrom('customers as c')
            .innerJoin('deposit_balances as b', 'b.customer_id', 'c.id')
            .select(['c.id', 'c.code', 'c.name', 'c.quota_override', 'b.balance'])
            .where('c.id', 'in', customerIds)
            .execute()
        : [];

      const drafts: InvoiceDraft[] = [];
      const parked: Parked[] = [];
      const withoutBillableUsage: string[] = [];
      const taxRule = taxRuleFor(taxRules, window.invoiceDate) as StoredTaxRule | undefined;
      const rowsOf = new Map<number, UsageRow[]>();
      for (const r of usage.rows) {
        const list = rowsOf.get(Number(r.customer_id)) ?? [];
        list.push(r);
        rowsOf.set(Number(r.customer_id), list);
      }
      for (const customer of customers.sort((a, b) => a.code.localeCompare(b.code))) {
        const rows = rowsOf.get(customer.id) ?? [];
        const park = (reason: string) =>
          parked.push({ customerId: customer.id, customerCode: customer.code, reason });
        if (rows.every((r) => r.parts === 0)) {
          withoutBillableUsage.push(customer.code);
          continue;
        }
        if (!taxRule) {
          park(
            `no tax rule is in force on the invoice date ${window.invoiceDate} (R6); add one to tax_rules`,
          );
          continue;
        }
        const lines: DraftLine[] = [];
        let problem: string | null = null;
        for (const product of [...new Set(rows.map((r) => r.product))].sort()) {
          const productRows = rows.filter((r) => r.product === product && r.parts > 0);
          if (productRows.length === 0) continue;
          const list = priceListFor(priceLists, product, customer.id, window.periodStart);
          if (!list) {
            problem = `has usage of ${product} in the period but no price list in force on ${window.periodStart}; add one and run the month again`;
            break;
          }
          if (list.mode !== 'volume') {
            problem = `price list '${list.name}' is graduated, which the invoice run cannot bill yet; bill this customer by hand or give it a volume list`;
            break;
          }
          try {
            const priced = priceVolumeLines(
              list,
              new Map(productRows.map((r) => [r.operator as Operator, r.parts])),
            );
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
              });
            }
          } catch (error) {
            problem = `price list '${list.name}' cannot price ${product}: ${(error as Error).message}`;
            break;
          }
        }
        if (problem) {
          park(problem);
          continue;
        }
        const subtotal = lines.reduce((s, l) => s + l.amount, 0);
        const tax = taxFor(subtotal, taxRule);
        drafts.push({
          customerId: customer.id,
          customerCode: customer.code,
          customerName: customer.name,
          lines,
          messages: lines.reduce((s, l) => s + l.messages, 0),
          parts: lines.reduce((s, l) => s + l.parts, 0),
          subtotal,
          tax,
          total: subtotal + tax,
          taxRule,
          dppHundredths:
            taxRule.dppNumerator === taxRule.dppDenominator ? null : dppHundredths(subtotal, taxRule),
          depositBalance: customer.balance,
          // R10: the month's quota is 2 × the deposit, unless the customer has an override.
          quota: customer.quota_override ?? 2 * customer.balance,
          partsPerDay: (daily.get(customer.id) ?? []).sort((a, b) => a.date.localeCompare(b.date)),
        });
      }

      const failures = checkInvariants(drafts, billed);
      for (const [customerId, reason] of failures) {
        const d = drafts.find((x) => x.customerId === customerId)!;
        parked.push({ customerId, customerCode: d.customerCode, reason });
      }
      return {
        snapshot,
        drafts: drafts.filter((d) => !failures.has(d.customerId)),
        parked,
        withoutBillableUsage,
      };
    });
}

/** What the detail CSV bills per (customer, product, operator): messages and parts under its own predicate. */
export interface BilledLine {
  readonly product: string;
  readonly operator: string;
  readonly messages: number;
  readonly parts: number;
}
export type BilledFigures = ReadonlyMap<number, ReadonlyArray<BilledLine>>;

/**
 * The invariants of every draft, before anything is issued: Σ lines = subtotal; total = subtotal + tax;
 * amount = parts × unit price per line; and, from what the detail CSV bills (its predicate, as of the snapshot):
 * parts = Σ message parts, messages = billable messages, Σ detail amounts = subtotal.
 */
export function checkInvariants(
  drafts: ReadonlyArray<InvoiceDraft>,
  billed: BilledFigures,
): Map<number, string> {
  const failures = new Map<number, string>();
  for (const d of drafts) {
    const problems: string[] = [];
    const linesTotal = d.lines.reduce((a, l) => a + l.amount, 0);
    if (linesTotal !== d.subtotal) problems.push(`Σ lines ${linesTotal} ≠ subtotal ${d.subtotal}`);
    if (d.total !== d.subtotal + d.tax)
      problems.push(`total ${d.total} ≠ subtotal ${d.subtotal} + tax ${d.tax}`);
    const price = new Map(d.lines.map((l) => [`${l.product}|${l.operator}`, l]));
    for (const l of d.lines) {
      if (l.amount !== l.parts * l.unitPrice) {
        problems.push(`${l.product}/${l.operator}: ${l.parts} × ${l.unitPrice} ≠ ${l.amount}`);
      }
    }
    let detailAmount = 0;
    let detailParts = 0;
    let detailMessages = 0;
    for (const b of billed.get(d.customerId) ?? []) {
      detailParts += b.parts;
      detailMessages += b.messages;
      detailAmount += b.parts * (price.get(`${b.product}|${b.operator}`)?.unitPrice ?? 0);
    }
    if (detailParts !== d.parts) problems.push(`parts ${d.parts} ≠ Σ message parts ${detailParts}`);
    if (detailMessages !== d.messages)
      problems.push(`messages ${d.messages} ≠ billable messages ${detailMessages}`);
    if (detailAmount !== d.subtotal)
      problems.push(`Σ detail amounts ${detailAmount} ≠ subtotal ${d.subtotal}`);
    if (problems.length > 0) {
      failures.set(
        d.customerId,
        `invoice check failed: ${problems.join('; ')}. Nothing was issued for this customer (the others went on). The figures disagree with the detail CSV, which points at a fault in tagih rather than in the data: report it with this message; a rerun of the month issues the invoice only once the check passes`,
      );
    }
  }
  return failures;
}
