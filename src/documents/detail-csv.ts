import { createWriteStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { billedPredicate } from '../db/billed-sql.ts';
import { BinaryCopyReader } from '../db/binary-copy.ts';
import {
  checkDetailTuple,
  DETAIL_HEADER,
  DETAIL_ROW_FIELDS,
  DETAIL_ROW_SQL,
  DetailLines,
  type DetailPrices,
  WRITE_BYTES,
} from './detail-rows.ts';
import { gzipFile, sizeOf, streamFileAtomic } from './write-atomic.ts';

export interface DetailQuery {
  readonly customerId: number;
  readonly start: Date;
  readonly endExclusive: Date;
  /** The invoice's snapshot: rows and billability as billed (null: as of now, for a dry run). */
  readonly snapshot: string | null;
  readonly prices: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly unitPrice: number;
    /** R18: graduated products only: the first part of the band this price is for. */
    readonly bandMinParts?: number;
  }>;
  /** R18: the products priced by a graduated list, with the first part of each band of that list. */
  readonly graduated?: ReadonlyArray<{ readonly product: string; readonly starts: ReadonlyArray<number> }>;
}

const SNAPSHOT = /^\d+:\d+:(\d+(,\d+)*)?$/;
const WORD = /^[a-z][a-z0-9_]*$/;

/** Checks every value a detail query inlines into SQL (COPY takes no parameters). */
export function checkDetailQuery(q: DetailQuery): void {
  if (!Number.isSafeInteger(q.customerId)) throw new Error('detail: bad customer id');
  if (q.snapshot !== null && !SNAPSHOT.test(q.snapshot))
    throw new Error(`detail: bad snapshot '${q.snapshot}'`);
  for (const p of q.prices) {
    if (!WORD.test(p.product) || !WORD.test(p.operator) || !Number.isSafeInteger(p.unitPrice)) {
      throw new Error('detail: bad price row');
    }
    if (p.bandMinParts !== undefined && !Number.isSafeInteger(p.bandMinParts))
      throw new Error('detail: bad band');
  }
  for (const g of q.graduated ?? []) {
    if (!WORD.test(g.product) || !g.starts.every(Number.isSafeInteger))
      throw new Error('detail: bad band row');
  }
}

/**
 * The detail rows as one COPY statement (COPY takes no parameters, so every value inlined here is checked to be
 * a number, a date or a plain word first).
 */
export function detailCopySql(q: DetailQuery): string {
  checkDetailQuery(q);
  const snap = q.snapshot === null ? null : `'${q.snapshot}'::pg_snapshot`;
  // R2: as billed in the invoice's snapshot; a dry run (no snapshot) bills what is billable now.
  const billed = q.snapshot === null ? 'm.billable' : billedPredicate(q.snapshot);
  const graduated = new Set((q.graduated ?? []).map((g) => g.product));
  const volumePrices = q.prices.filter((p) => !graduated.has(p.product));
  const prices =
    volumePrices.length === 0
      ? `(select null::text as product, null::text as operator, null::bigint as unit_price where false)`
      : `(values ${volumePrices.map((p) => `('${p.product}', '${p.operator}', ${p.unitPrice}::bigint)`).join(', ')})`;
  return `copy (
    select ${DETAIL_ROW_SQL('0', 'coalesce(p.unit_price, g.first_price, 0)', 'coalesce(m.parts * p.unit_price, g.amount, 0)')}
    from (
      select m.*, ${billed} as billed${
        graduated.size === 0
          ? ''
          : `,
        -- R18: parts counted in (sent_at, sending_id) order over the period, per product: the last part's number.
        -- Only a graduated product needs it: the window is a sort of its own, so it is left out otherwise.
        sum(case when ${billed} then m.parts else 0 end)
          over (partition by m.product order by m.sent_at, m.sending_id rows unbounded preceding) as upto`
      }
      from messages m
      where m.customer_id = ${q.customerId}
        and m.sent_at >= '${q.start.toISOString()}' and m.sent_at < '${q.endExclusive.toISOString()}'
        ${snap ? `and pg_visible_in_snapshot(m.ingest_xid, ${snap})` : ''}
    ) m
    left join ${prices} as p(product, operator, unit_price) on p.product = m.product and p.operator = m.operator
    ${graduatedJoin(q, graduated)}
    order by m.sent_at, m.sending_id
  ) to stdout with (format binary)`;
}

/** Bytes a detail row takes, about: used to gzip a large detail on the fly instead of after. */
const BYTES_PER_ROW = 110;

/**
 * Streams an invoice's usage detail out of PostgreSQL (COPY) into `file`; above `gzipAbove` bytes it is gzipped
 * to `file.gz` — on the fly when `expectedRows` says it will be large, else after the fact. Returns the path
 * written.
 */
export async function writeDetailCsv(
  client: pg.PoolClient,
  q: DetailQuery,
  file: string,
  gzipAbove: number,
  expectedRows = 0,
): Promise<string> {
  return writeDetailFrom(
    () => Readable.from(detailText(client.query(copyTo(detailCopySql(q))))),
    file,
    gzipAbove,
    expectedRows,
  );
}

/** An invoice's own detail COPY (priced by SQL) as the detail's text: the header, then a chunk of lines a chunk. */
async function* detailText(copy: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield Buffer.from(`${DETAIL_HEADER}\n`);
  const reader = new BinaryCopyReader(DETAIL_ROW_FIELDS);
  const lines = new DetailLines();
  const none: DetailPrices = new Map();
  let first = true;
  for await (const chunk of copy) {
    reader.push(chunk, (t) => {
      if (first) checkDetailTuple(t);
      first = false;
      lines.add(t, none);
    });
    if (lines.size >= WRITE_BYTES) yield lines.take();
  }
  if (!reader.complete) throw new Error('detail: the COPY ended inside a row');
  if (lines.size > 0) yield lines.take();
}

/** writeDetailCsv's file handling for any source of the detail's CSV text (header included). */
export async function writeDetailFrom(
  source: () => Readable,
  file: string,
  gzipAbove: number,
  expectedRows = 0,
): Promise<string> {
  const gz = `${file}.gz`;
  if (expectedRows * BYTES_PER_ROW > gzipAbove) {
    await streamFileAtomic(gz, async (tmp) => {
      await pipeline(source(), createGzip({ level: 1 }), createWriteStream(tmp));
    });
    await rm(file, { force: true });
    return gz;
  }
  await streamFileAtomic(file, async (tmp) => {
    await pipeline(source(), createWriteStream(tmp));
  });
  if ((await sizeOf(file)) > gzipAbove) {
    await gzipFile(file, gz);
    return gz;
  }
  if (existsSync(gz)) await rm(gz);
  return file;
}

/**
 * R18: a graduated product's message is priced part by part: part number k (1-based, counted over the period in
 * (sent_at, sending_id) order) at the band holding k, so a message straddling a band boundary is split across the
 * two bands. Its unit_price shows the band of its first part; its amount is the exact sum.
 */
function graduatedJoin(q: DetailQuery, graduated: ReadonlySet<string>): string {
  const bands: string[] = [];
  for (const g of q.graduated ?? []) {
    const starts = [...g.starts].sort((a, b) => a - b);
    for (const p of q.prices.filter((x) => x.product === g.product && x.bandMinParts !== undefined)) {
      const next = starts.find((s) => s > p.bandMinParts!);
      bands.push(
        `('${p.product}', '${p.operator}', ${p.bandMinParts}::bigint, ${next ?? 'null'}::bigint, ${p.unitPrice}::bigint)`,
      );
    }
  }
  if (graduated.size === 0 || bands.length === 0)
    return 'left join lateral (select null::bigint as first_price, null::bigint as amount) g on true';
  return `left join lateral (
      select max(b.unit_price) filter (where m.upto - m.parts + 1 >= b.lo and (b.hi is null or m.upto - m.parts + 1 < b.hi)) as first_price,
        sum(greatest(0, least(m.upto, coalesce(b.hi - 1, m.upto)) - greatest(m.upto - m.parts + 1, b.lo) + 1) * b.unit_price)::bigint as amount
      from (values ${bands.join(', ')}) as b(product, operator, lo, hi, unit_price)
      where b.product = m.product and b.operator = m.operator
    ) g on m.product in (${[...graduated].map((x) => `'${x}'`).join(', ')})`;
}
