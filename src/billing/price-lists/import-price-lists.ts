import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { addDays } from '../../domain/dates.ts';
import {
  listKey,
  PRICE_FILE_HEADER,
  type PriceFileList,
  type RowProblem,
  readPriceFile,
} from '../../domain/price-list-file.ts';
import { refusalOf } from './issued-periods.ts';

/** The file itself cannot be read (not CSV, wrong header): nothing was imported. */
export class PriceFileError extends Error {
  override readonly name = 'PriceFileError';
}

export interface PriceImportSummary {
  readonly lists: number;
  readonly added: ReadonlyArray<{ readonly id: number; readonly name: string }>;
  readonly unchanged: ReadonlyArray<{ readonly id: number; readonly name: string }>;
  /** Every bad row with its reason; when there is one, nothing was imported. */
  readonly rejected: ReadonlyArray<RowProblem>;
}

async function readRows(file: string): Promise<string[][]> {
  let records: string[][];
  try {
    records = parse(await readFile(file, 'utf8'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new PriceFileError(`${file} could not be read as CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  const found = (header ?? []).map((h) => h.trim().toLowerCase()).join(',');
  // An optional last column 'name' names the list (e.g. to mark example prices); else a name is made up.
  if (found !== PRICE_FILE_HEADER.join(',') && found !== `${PRICE_FILE_HEADER.join(',')},name`) {
    throw new PriceFileError(
      `${file} row 1: the header must be '${PRICE_FILE_HEADER.join(',')}', found '${found}'`,
    );
  }
  return rows;
}

/**
 * R18: `prices import FILE.csv`. Every row is checked (the file, then products, customers and R18's issued
 * periods); with any problem nothing is imported. Otherwise every new list is added in one transaction; a list
 * already there with the same tiers is left unchanged, so importing the same file twice changes nothing.
 */
export async function importPriceLists(db: Db, file: string): Promise<PriceImportSummary> {
  const rows = await readRows(file);
  const { lists, problems } = readPriceFile(rows);
  const rejected = [...problems];
  return db.transaction().execute(async (trx) => {
    // One import at a time: two racing imports of the same list cannot both add it.
    await sql`select pg_advisory_xact_lock(hashtext('tagih:price-lists'))`.execute(trx);
    const resolved = await resolveLists(trx, lists, rejected);
    if (rejected.length > 0)
      return { lists: lists.length, added: [], unchanged: [], rejected: sorted(rejected) };
    const added: Array<{ id: number; name: string }> = [];
    const unchanged: Array<{ id: number; name: string }> = [];
    for (const r of resolved) {
      if (r.existing !== null) unchanged.push(r.existing);
      else added.push(await insertList(trx, r.list, r.customerId, r.name));
    }
    return { lists: lists.length, added, unchanged, rejected: [] };
  });
}

function sorted(problems: RowProblem[]): RowProblem[] {
  return problems.sort((a, b) => a.row - b.row);
}

interface ResolvedList {
  readonly list: PriceFileList;
  readonly customerId: number | null;
  readonly name: string;
  readonly existing: { readonly id: number; readonly name: string } | null;
}

/** Products and customers exist; an identical list in force is "unchanged"; a different one there is refused. */
async function resolveLists(db: Db, lists: ReadonlyArray<PriceFileList>, rejected: RowProblem[]) {
  const products = new Map(
    (await db.selectFrom('products').select(['code', 'name']).execute()).map((p) => [p.code, p.name]),
  );
  const customers = new Map(
    (await db.selectFrom('customers').select(['id', 'code']).execute()).map((c) => [c.code, c.id]),
  );
  const out: ResolvedList[] = [];
  for (const list of lists) {
    const productName = products.get(list.product);
    if (productName === undefined) {
      rejected.push({
        row: list.row,
        reason: `product '${list.product}' does not exist (known: ${[...products.keys()].join(', ')})`,
      });
      continue;
    }
    const customerId = list.customer === null ? null : (customers.get(list.customer) ?? undefined);
    if (customerId === undefined) {
      rejected.push({
        row: list.row,
        reason: `customer '${list.customer}' does not exist; add it with 'npm run customers -- import' first`,
      });
      continue;
    }
    const name =
      list.name ??
      `${productName} ${list.customer === null ? 'standar' : `kontrak ${list.customer}`} ${list.mode} ${list.effectiveFrom}`;
    const existing = await sameListInForce(db, list, customerId);
    if (existing === 'different') {
      rejected.push({
        row: list.row,
        reason: `a different list for ${listKey(list).replaceAll('|', ' ')} is already in force; retire it first ('npm run prices -- list')`,
      });
      continue;
    }
    if (existing === null) {
      const refusal = await refusalOf(db, list.product, customerId, list.effectiveFrom);
      if (refusal !== null) {
        rejected.push({
          row: list.row,
          reason: `${refusal.month} is already invoiced for ${refusal.customerCode}; a new price list can start from ${addDays(refusal.lastDay, 1)} or be applied with a credit note`,
        });
        continue;
      }
    }
    out.push({ list, customerId, name, existing: existing === null ? null : existing });
  }
  return out;
}

async function sameListInForce(db: Db, list: PriceFileList, customerId: number | null) {
  const found = await db
    .selectFrom('price_lists')
    .select(['id', 'name', 'mode'])
    .where('product', '=', list.product)
    .where((eb) => (customerId === null ? eb('customer_id', 'is', null) : eb('customer_id', '=', customerId)))
    .where('effective_from', '=', list.effectiveFrom)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (found === undefined) return null;
  const tiers = await db
    .selectFrom('price_tiers')
    .select(['operator', 'min_parts', 'unit_price'])
    .where('price_list_id', '=', found.id)
    .execute();
  const key = (t: { operator: string; minParts: number; unitPrice: number }) =>
    `${t.operator}|${t.minParts}|${t.unitPrice}`;
  const stored = tiers
    .map((t) => key({ operator: t.operator, minParts: t.min_parts, unitPrice: t.unit_price }))
    .sort();
  const wanted = list.tiers.map(key).sort();
  const same = found.mode === list.mode && stored.join(',') === wanted.join(',');
  return same ? { id: found.id, name: found.name } : ('different' as const);
}

async function insertList(db: Db, list: PriceFileList, customerId: number | null, name: string) {
  const row = await db
    .insertInto('price_lists')
    .values({
      product: list.product,
      customer_id: customerId,
      name,
      mode: list.mode,
      effective_from: list.effectiveFrom,
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  await db
    .insertInto('price_tiers')
    .values(
      list.tiers.map((t) => ({
        price_list_id: row.id,
        operator: t.operator,
        min_parts: t.minParts,
        unit_price: t.unitPrice,
      })),
    )
    .execute();
  return { id: row.id, name: row.name };
}
