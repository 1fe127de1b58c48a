// R5: postpaid quantity tiers. A tier starts at minParts and runs up to the next tier's minParts − 1
// (the terms print "20.000 – 99.000"; 99.999 is meant — a tier ends where the next one starts).
import { type CsvRow, field, readCsv } from './csv-rows.ts';
import { assertRupiah, multiplyRupiah, type Rupiah, rupiahFromBigInt } from './money.ts';
import { isOperator, OPERATORS, type Operator } from './numbers.ts';

export type PricingMode = 'volume' | 'graduated';

/** One price of a price list, as stored: from minParts parts in the month, this operator pays unitPrice a part. */
export interface PriceTier {
  readonly minParts: number;
  readonly operator: Operator;
  readonly unitPrice: Rupiah;
}

export interface PriceList {
  readonly id: number;
  readonly product: string;
  readonly mode: PricingMode;
  /** Rows for 'other' are optional: without them 'other' pays the tier's highest price (R5). */
  readonly tiers: ReadonlyArray<PriceTier>;
}

interface CompiledList {
  /** Distinct minParts, ascending, starting at 0. */
  readonly starts: ReadonlyArray<number>;
  /** Prices by operator, one map per entry of starts. */
  readonly prices: ReadonlyArray<ReadonlyMap<Operator, Rupiah>>;
}

const compiledLists = new WeakMap<PriceList, CompiledList>();

function describe(list: PriceList): string {
  return `Price list ${list.id} (${list.product})`;
}

function compile(list: PriceList): CompiledList {
  const cached = compiledLists.get(list);
  if (cached !== undefined) return cached;
  const byStart = new Map<number, Map<Operator, Rupiah>>();
  for (const tier of list.tiers) {
    if (!Number.isSafeInteger(tier.minParts) || tier.minParts < 0) {
      throw new RangeError(
        `${describe(list)} has a tier starting at ${tier.minParts} parts; expected a whole number >= 0.`,
      );
    }
    assertRupiah(
      tier.unitPrice,
      `${describe(list)}: unit price of ${tier.operator} from ${tier.minParts} parts`,
    );
    if (tier.unitPrice < 0)
      throw new RangeError(`${describe(list)}: unit price ${tier.unitPrice} is negative.`);
    const prices = byStart.get(tier.minParts) ?? new Map<Operator, Rupiah>();
    if (prices.has(tier.operator)) {
      throw new Error(`${describe(list)} prices ${tier.operator} twice from ${tier.minParts} parts.`);
    }
    prices.set(tier.operator, tier.unitPrice);
    byStart.set(tier.minParts, prices);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  if (starts[0] !== 0) {
    throw new Error(
      `${describe(list)} has no tier starting at 0 parts, so a small month cannot be priced. Add one.`,
    );
  }
  const compiled = { starts, prices: starts.map((start) => byStart.get(start)!) };
  compiledLists.set(list, compiled);
  return compiled;
}

function requireParts(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} must be a whole number >= 0, got ${n}.`);
  return n;
}

function indexIn(compiled: CompiledList, totalParts: number): number {
  let index = 0;
  while (index + 1 < compiled.starts.length && compiled.starts[index + 1]! <= totalParts) index++;
  return index;
}

function priceAt(list: PriceList, compiled: CompiledList, index: number, operator: Operator): Rupiah {
  const prices = compiled.prices[index]!;
  const price = prices.get(operator);
  if (price !== undefined) return price;
  // R5: operator 'other' pays the highest operator price of the tier.
  if (operator === 'other') return Math.max(...prices.values());
  throw new Error(
    `${describe(list)} has no price for ${operator} from ${compiled.starts[index]} parts. Add one to the price list.`,
  );
}

/** R5: index (0-based, in ascending order of tier start) of the tier a month's total reaches. */
export function tierIndexFor(list: PriceList, totalParts: number): number {
  return indexIn(compile(list), requireParts(totalParts, 'Total parts'));
}

/** R18: the first part of every band (tier) of a list, ascending, starting at 0. */
export function bandStartsOf(list: PriceList): ReadonlyArray<number> {
  return compile(list).starts;
}

/** R5: the parts range of the tier a month's total reaches: from `from` up to `to` (null: no upper end). */
export function tierRangeFor(list: PriceList, totalParts: number): { from: number; to: number | null } {
  const compiled = compile(list);
  const index = indexIn(compiled, requireParts(totalParts, 'Total parts'));
  const next = compiled.starts[index + 1];
  return { from: compiled.starts[index]!, to: next === undefined ? null : next - 1 };
}

/**
 * R5 (volume): the price a part of `operator` costs when the month's total over all operators is
 * totalParts: every part is priced at the tier the total reaches. unitPriceFor(otp, 1000, 'xl') === 340.
 */
export function unitPriceFor(list: PriceList, totalParts: number, operator: Operator): Rupiah {
  const compiled = compile(list);
  return priceAt(list, compiled, indexIn(compiled, requireParts(totalParts, 'Total parts')), operator);
}

/**
 * R5 (graduated contracts): cost of the parts numbered partsBefore+1 … partsBefore+parts when each band
 * is priced at its own price: part number k is priced at the tier whose range holds k.
 * On the standard list, graduatedAmount(otp, 'xl', 0, 1000) === 999 × 350 + 1 × 340.
 */
export function graduatedAmount(
  list: PriceList,
  operator: Operator,
  partsBefore: number,
  parts: number,
): Rupiah {
  const compiled = compile(list);
  const first = requireParts(partsBefore, 'Parts before') + 1;
  const last = partsBefore + requireParts(parts, 'Parts');
  let amount = 0n;
  for (let i = 0; i < compiled.starts.length; i++) {
    const bandFirst = Math.max(compiled.starts[i]!, 1, first);
    const next = compiled.starts[i + 1];
    const bandLast = Math.min(next === undefined ? last : next - 1, last);
    if (bandLast >= bandFirst) {
      amount += BigInt(bandLast - bandFirst + 1) * BigInt(priceAt(list, compiled, i, operator));
    }
  }
  return rupiahFromBigInt(amount, `Graduated amount of ${parts} parts on ${describe(list)}`);
}

export interface PricedLine {
  readonly operator: Operator;
  readonly parts: number;
  readonly unitPrice: Rupiah;
  readonly amount: Rupiah;
}

/**
 * R5 (volume): one line per operator with parts, in OPERATORS order. The tier is chosen by the total of
 * all operators together; each line is parts × that tier's price for its operator.
 */
export function priceVolumeLines(
  list: PriceList,
  partsByOperator: ReadonlyMap<Operator, number>,
): ReadonlyArray<PricedLine> {
  let total = 0;
  for (const [operator, parts] of partsByOperator) total += requireParts(parts, `Parts of ${operator}`);
  requireParts(total, 'Total parts');
  const lines: PricedLine[] = [];
  for (const operator of OPERATORS) {
    const parts = partsByOperator.get(operator) ?? 0;
    if (parts === 0) continue;
    const unitPrice = unitPriceFor(list, total, operator);
    lines.push({
      operator,
      parts,
      unitPrice,
      amount: multiplyRupiah(unitPrice, parts, `Amount for ${operator}`),
    });
  }
  return lines;
}

/**
 * R5: reads a price-list file such as migrations/data/price-list-whatsapp_otp-2022-03-01.csv: header
 * 'min_parts' then one column per operator (any order; 'other' optional), one row per tier, the first
 * tier at 0, tiers ascending. Returns one PriceTier row per (tier, operator).
 */
export function parsePriceListCsv(
  csv: string,
  source = 'price list',
): ReadonlyArray<{ minParts: number; operator: Operator; unitPrice: number }> {
  const { header, rows } = readCsv(csv, source);
  if (header[0] !== 'min_parts') {
    throw new Error(`${source} line 1: the first column must be 'min_parts', found '${header[0]}'.`);
  }
  const operators: Operator[] = [];
  for (const name of header.slice(1)) {
    if (!isOperator(name))
      throw new Error(`${source} line 1: '${name}' is not an operator (${OPERATORS.join(', ')}).`);
    if (operators.includes(name)) throw new Error(`${source} line 1: operator '${name}' appears twice.`);
    operators.push(name);
  }
  if (operators.length === 0) throw new Error(`${source} line 1: no operator columns after 'min_parts'.`);
  if (rows.length === 0) throw new Error(`${source} has no tiers.`);

  const tiers: { minParts: number; operator: Operator; unitPrice: number }[] = [];
  let previous = -1;
  for (const row of rows) {
    const minParts = wholeNumber(row, 0, source, 'min_parts');
    if (previous === -1 && minParts !== 0)
      fail(source, row, `the first tier must start at 0 parts, not ${minParts}`);
    if (minParts <= previous)
      fail(source, row, `min_parts ${minParts} must be greater than ${previous} on the row before`);
    previous = minParts;
    operators.forEach((operator, i) => {
      tiers.push({ minParts, operator, unitPrice: wholeNumber(row, i + 1, source, operator) });
    });
  }
  return tiers;
}

function wholeNumber(row: CsvRow, index: number, source: string, column: string): number {
  const text = field(row, index);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    fail(source, row, `${column} '${text}' must be a whole number (no dots or decimals)`);
  }
  return n;
}

function fail(source: string, row: CsvRow, reason: string): never {
  throw new Error(`${source} line ${row.line}: ${reason}.`);
}
