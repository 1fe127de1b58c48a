// R18: a price-list file as finance writes it, one row per tier: product,customer,mode,effective_from,operator,
// min_parts,unit_price. Rows with the same (product, customer, effective_from) make one list. Pure: the checks that
// need the database (product and customer exist, R18's issued periods) are in billing/price-lists.
import { isIsoDate } from './dates.ts';
import { isOperator, OPERATORS, type Operator } from './numbers.ts';
import type { PricingMode } from './tiers.ts';

export const PRICE_FILE_HEADER = [
  'product',
  'customer',
  'mode',
  'effective_from',
  'operator',
  'min_parts',
  'unit_price',
] as const;

/** R5: the operators a list must price; `other` may be left out (it pays the tier's highest price). */
export const PRICED_OPERATORS: ReadonlyArray<Operator> = OPERATORS.filter((o) => o !== 'other');

export interface PriceFileTier {
  readonly row: number;
  readonly operator: Operator;
  readonly minParts: number;
  readonly unitPrice: number;
}

export interface PriceFileList {
  /** Row number of the list's first row (the header is row 1). */
  readonly row: number;
  readonly product: string;
  /** Customer code of a contract list; null for the standard list. */
  readonly customer: string | null;
  readonly mode: PricingMode;
  readonly effectiveFrom: string;
  /** From the optional last column 'name', on the list's first row; else the import makes one up. */
  readonly name?: string;
  readonly tiers: ReadonlyArray<PriceFileTier>;
}

export interface RowProblem {
  readonly row: number;
  readonly reason: string;
}

const WHOLE = /^\d+$/;

/** `key` of a list: its product, customer ('' for standard) and start. */
export function listKey(l: Pick<PriceFileList, 'product' | 'customer' | 'effectiveFrom'>): string {
  return `${l.product}|${l.customer ?? ''}|${l.effectiveFrom}`;
}

/** R18: reads the rows of a price file into lists, with every problem found, each with its row number. */
export function readPriceFile(rows: ReadonlyArray<ReadonlyArray<string>>): {
  readonly lists: ReadonlyArray<PriceFileList>;
  readonly problems: ReadonlyArray<RowProblem>;
} {
  const problems: RowProblem[] = [];
  const lists = new Map<string, { list: Omit<PriceFileList, 'tiers'>; tiers: PriceFileTier[] }>();
  rows.forEach((cells, index) => {
    const row = index + 2;
    const parsed = readRow(cells, row, problems);
    if (parsed === null) return;
    const { list, tier } = parsed;
    const key = listKey(list);
    const entry = lists.get(key);
    if (entry === undefined) lists.set(key, { list, tiers: [tier] });
    else if (entry.list.mode !== list.mode)
      problems.push({
        row,
        reason: `mode '${list.mode}' differs from '${entry.list.mode}' on row ${entry.list.row} of the same list`,
      });
    else entry.tiers.push(tier);
  });
  const out = [...lists.values()].map(({ list, tiers }) => ({ ...list, tiers }));
  for (const list of out) problems.push(...checkTiers(list));
  return { lists: out, problems: problems.sort((a, b) => a.row - b.row) };
}

function readRow(
  cells: ReadonlyArray<string>,
  row: number,
  problems: RowProblem[],
): { list: Omit<PriceFileList, 'tiers'>; tier: PriceFileTier } | null {
  const [
    product = '',
    customer = '',
    mode = '',
    effectiveFrom = '',
    operator = '',
    minParts = '',
    price = '',
    name = '',
  ] = cells.map((c) => c.trim());
  const reasons: string[] = [];
  if (product === '') reasons.push('product is empty');
  if (mode !== 'volume' && mode !== 'graduated') reasons.push(`mode '${mode}' must be volume or graduated`);
  if (!isIsoDate(effectiveFrom)) reasons.push(`effective_from '${effectiveFrom}' is not a YYYY-MM-DD date`);
  if (!isOperator(operator)) reasons.push(`operator '${operator}' is not one of ${OPERATORS.join(', ')}`);
  if (!WHOLE.test(minParts) || !Number.isSafeInteger(Number(minParts)))
    reasons.push(`min_parts '${minParts}' must be a whole number of parts >= 0`);
  // Money is whole rupiah: no dots, no decimals, no minus.
  if (!WHOLE.test(price) || !Number.isSafeInteger(Number(price)))
    reasons.push(`unit_price '${price}' must be a whole non-negative number of rupiah (no dots or decimals)`);
  if (reasons.length > 0) {
    problems.push({ row, reason: reasons.join('; ') });
    return null;
  }
  return {
    list: {
      row,
      product,
      customer: customer === '' ? null : customer,
      mode: mode as PricingMode,
      effectiveFrom,
      ...(name === '' ? {} : { name }),
    },
    tier: { row, operator: operator as Operator, minParts: Number(minParts), unitPrice: Number(price) },
  };
}

/** R5/R18: per operator the tiers start at 0, no band twice, every priced operator has a price in every band. */
function checkTiers(list: PriceFileList): RowProblem[] {
  const problems: RowProblem[] = [];
  const name = `the list ${list.product} ${list.customer ?? '(standard)'} from ${list.effectiveFrom}`;
  const seen = new Map<string, number>();
  for (const t of list.tiers) {
    const key = `${t.operator}|${t.minParts}`;
    const first = seen.get(key);
    if (first !== undefined)
      problems.push({
        row: t.row,
        reason: `duplicate band: ${t.operator} from ${t.minParts} parts is already on row ${first}`,
      });
    else seen.set(key, t.row);
  }
  const bands = [...new Set(list.tiers.map((t) => t.minParts))].sort((a, b) => a - b);
  for (const operator of OPERATORS) {
    const own = list.tiers.filter((t) => t.operator === operator);
    if (own.length === 0) {
      if (operator !== 'other')
        problems.push({
          row: list.row,
          reason: `${name} has no price for ${operator}; every priced operator needs one (only 'other' may be left out, R5)`,
        });
      continue;
    }
    const lowest = own.reduce((a, b) => (b.minParts < a.minParts ? b : a));
    if (lowest.minParts !== 0)
      problems.push({
        row: lowest.row,
        reason: `the tiers of ${operator} start at ${lowest.minParts} parts; they must start at 0`,
      });
    if (operator === 'other') continue;
    const missing = bands.filter((b) => !own.some((t) => t.minParts === b));
    if (missing.length > 0)
      problems.push({
        row: list.row,
        reason: `${name} has no price for ${operator} from ${missing.join(', ')} parts; every band needs a price for every priced operator`,
      });
  }
  return problems;
}
