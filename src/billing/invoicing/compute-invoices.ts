import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import { type CustomerUsage, draftInvoiceFor, type InvoiceDraft } from '../../domain/draft-invoice.ts';
import { priceListFor, type StoredPriceList, type StoredTaxRule } from '../../domain/price-list.ts';
import { taxRuleFor } from '../../domain/tax.ts';
import { bandStartsOf } from '../../domain/tiers.ts';
import { billedIn } from '../billed-sql.ts';
import { graduatedUsage } from './graduated-usage.ts';
import { loadPriceLists, loadTaxRules } from './reference-data.ts';

export type { DraftLine, InvoiceDraft } from '../../domain/draft-invoice.ts';

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

/** The period as loaded, on one snapshot: each customer's usage and deposit, and what the detail CSV bills. */
interface LoadedPeriod {
  readonly snapshot: string;
  readonly usage: ReadonlyArray<{
    readonly usage: CustomerUsage;
    readonly balance: number;
    readonly quotaOverride: number | null;
  }>;
  readonly billed: BilledFigures;
}

/**
 * Computes every invoice of a period (R5–R8) as load → draft → check: one grouped query loads the usage, the
 * pure draftInvoiceFor prices each customer, and each draft is checked against an independent per-message SQL
 * sum — the same sum the detail CSV shows — parking the customers whose figures disagree.
 */
export async function computeInvoices(db: Db, window: BillingWindow): Promise<MonthComputation> {
  const [priceLists, taxRules] = await Promise.all([loadPriceLists(db), loadTaxRules(db)]);
  const loaded = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => loadPeriod(trx, window, graduatedStartsOf(priceLists, window.periodStart)));
  const taxRule = taxRuleFor(taxRules, window.invoiceDate) as StoredTaxRule | undefined;
  const drafts: InvoiceDraft[] = [];
  const parked: Parked[] = [];
  const withoutBillableUsage: string[] = [];
  for (const { usage, balance, quotaOverride } of loaded.usage) {
    const outcome = draftInvoiceFor(usage, priceLists, taxRule, { balance, quotaOverride });
    if (outcome.kind === 'draft') drafts.push(outcome.draft);
    else if (outcome.kind === 'nothing_billable') withoutBillableUsage.push(usage.customerCode);
    else
      parked.push({ customerId: usage.customerId, customerCode: usage.customerCode, reason: outcome.reason });
  }
  const failures = checkInvariants(drafts, loaded.billed);
  for (const [customerId, reason] of failures) {
    const d = drafts.find((x) => x.customerId === customerId)!;
    parked.push({ customerId, customerCode: d.customerCode, reason });
  }
  return {
    snapshot: loaded.snapshot,
    drafts: drafts.filter((d) => !failures.has(d.customerId)),
    parked,
    withoutBillableUsage,
  };
}

/**
 * One scan of the period, grouped per (customer, product, operator, WIB day) and folded twice: per line and per
 * day. Beside the figures it counts what the detail CSV will bill — its own predicate, as of the snapshot — so
 * the invariant checks need no second pass over the month. Customers come in code order.
 */
async function loadPeriod(
  trx: Transaction<DB>,
  window: BillingWindow,
  graduatedStarts: GraduatedStarts,
): Promise<LoadedPeriod> {
  const snapshot = (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(trx)).rows[0]!
    .s;
  const only = window.customerIds;
  const grouped = await sql<UsageRow & { day: string | null; billed_messages: number; billed_parts: number }>`
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
  const lines = new Map<number, CustomerUsage['lines'][number][]>();
  const billed = new Map<number, BilledLine[]>();
  const daily = new Map<number, Array<{ date: string; parts: number }>>();
  for (const r of grouped.rows) {
    const id = Number(r.customer_id);
    if (r.day !== null) {
      daily.set(id, [...(daily.get(id) ?? []), { date: r.day, parts: r.parts }]);
      continue;
    }
    const line = { product: r.product, operator: r.operator };
    lines.set(id, [...(lines.get(id) ?? []), { ...line, messages: r.messages, parts: r.parts }]);
    billed.set(id, [
      ...(billed.get(id) ?? []),
      { ...line, messages: r.billed_messages, parts: r.billed_parts },
    ]);
  }
  await countByBand(trx, window, snapshot, graduatedStarts, lines, billed);
  const customers = lines.size
    ? await trx
        .selectFrom('customers as c')
        .innerJoin('deposit_balances as b', 'b.customer_id', 'c.id')
        .select(['c.id', 'c.code', 'c.name', 'c.quota_override', 'b.balance'])
        .where('c.id', 'in', [...lines.keys()])
        .execute()
    : [];
  const usage = customers
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((c) => ({
      usage: {
        customerId: c.id,
        customerCode: c.code,
        customerName: c.name,
        periodStart: window.periodStart,
        invoiceDate: window.invoiceDate,
        lines: lines.get(c.id) ?? [],
        partsPerDay: daily.get(c.id) ?? [],
      },
      balance: c.balance,
      quotaOverride: c.quota_override,
    }));
  return { snapshot, usage, billed };
}

/** What the detail CSV bills per (customer, product, operator): messages and parts under its own predicate. */
export interface BilledLine {
  readonly product: string;
  readonly operator: string;
  readonly messages: number;
  readonly parts: number;
  /** R18: graduated products are billed per band. */
  readonly bandMinParts?: number;
}

/** R18: the band starts of the graduated list in force for a customer's product, or null (volume or none). */
type GraduatedStarts = (customerId: number, product: string) => ReadonlyArray<number> | null;

function graduatedStartsOf(lists: ReadonlyArray<StoredPriceList>, day: string): GraduatedStarts {
  return (customerId, product) => {
    const list = priceListFor(lists, product, customerId, day);
    if (list?.mode !== 'graduated') return null;
    try {
      return bandStartsOf(list);
    } catch {
      return null; // a broken list is reported by the draft, which prices it
    }
  };
}

/** R18: replaces the per-operator figures of each graduated product by its per-(operator, band) figures. */
async function countByBand(
  trx: Transaction<DB>,
  window: BillingWindow,
  snapshot: string,
  graduatedStarts: GraduatedStarts,
  lines: Map<number, CustomerUsage['lines'][number][]>,
  billed: Map<number, BilledLine[]>,
): Promise<void> {
  for (const [customerId, rows] of lines) {
    for (const product of new Set(rows.map((r) => r.product))) {
      const starts = graduatedStarts(customerId, product);
      if (starts === null) continue;
      const bands = await graduatedUsage(trx, window, snapshot, customerId, product, starts);
      const others = <T extends { product: string }>(xs: ReadonlyArray<T>) =>
        xs.filter((x) => x.product !== product);
      const banded = (m: 'messages' | 'billed_messages', p: 'parts' | 'billed_parts') =>
        bands.map((b) => ({
          product,
          operator: b.operator,
          messages: b[m],
          parts: b[p],
          bandMinParts: b.band_min_parts,
        }));
      lines.set(customerId, [...others(lines.get(customerId) ?? []), ...banded('messages', 'parts')]);
      billed.set(customerId, [
        ...others(billed.get(customerId) ?? []),
        ...banded('billed_messages', 'billed_parts'),
      ]);
    }
  }
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
    // R18: a graduated product is priced per band, so its detail is matched per (operator, band).
    const graduated = new Set(d.priceLists.filter((p) => p.mode === 'graduated').map((p) => p.product));
    const keyOf = (l: { product: string; operator: string; bandMinParts?: number }) =>
      `${l.product}|${l.operator}|${graduated.has(l.product) ? l.bandMinParts : ''}`;
    const price = new Map(d.lines.map((l) => [keyOf(l), l]));
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
      detailAmount += b.parts * (price.get(keyOf(b))?.unitPrice ?? 0);
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
