// Issue 16: the usage details of many invoices from one COPY instead of one COPY each. A month of 1 000 invoices was
// 1 000 statements, each planned, sorted and sent on its own: about 9× the plain COPY of the same columns. Here one
// statement streams every invoice's rows in invoice order, and the rows are split into the invoices' files as they
// come. The rows and their wording are the per-invoice COPY's own (DETAIL_COLUMNS); a graduated product (R18)
// needs the running count of parts per invoice, so such an invoice keeps its own COPY (canShareCopy).
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { billedInSnapshot } from '../db/billed-sql.ts';
import {
  checkDetailQuery,
  DETAIL_COLUMNS,
  DETAIL_HEADER,
  type DetailQuery,
  detailSession,
  writeDetailFrom,
} from './detail-csv.ts';

export interface SharedDetail {
  readonly query: DetailQuery;
  /** The plain detail's path (writeDetailFrom decides on gzip). */
  readonly file: string;
  readonly expectedRows?: number;
}

/** Whether an invoice's detail can come from the shared COPY: not when a graduated product needs its band count. */
export function canShareCopy(q: DetailQuery): boolean {
  return (q.graduated ?? []).length === 0;
}

/** One COPY of the details of `queries`, each row led by its query's index; rows in (index, sent_at, sending_id). */
export function sharedDetailCopySql(queries: ReadonlyArray<DetailQuery>): string {
  for (const q of queries) {
    checkDetailQuery(q);
    if (!canShareCopy(q)) throw new Error('detail: a graduated invoice needs its own COPY');
  }
  const invoices = queries.map(
    (q, ord) =>
      `(${ord}, ${q.customerId}, '${q.start.toISOString()}'::timestamptz, '${q.endExclusive.toISOString()}'::timestamptz, ${q.snapshot === null ? 'null' : `'${q.snapshot}'`}::pg_snapshot)`,
  );
  const priceRows = queries.flatMap((q, ord) =>
    q.prices.map((p) => `(${ord}, '${p.product}', '${p.operator}', ${p.unitPrice}::bigint)`),
  );
  const prices =
    priceRows.length === 0
      ? '(select null::int, null::text, null::text, null::bigint where false)'
      : `(values ${priceRows.join(', ')})`;
  // The whole range as constants as well, so PostgreSQL reads only the months' partitions.
  const from = new Date(Math.min(...queries.map((q) => q.start.getTime()))).toISOString();
  const to = new Date(Math.max(...queries.map((q) => q.endExclusive.getTime()))).toISOString();
  // R2 as billed in each invoice's own snapshot; a draft (no snapshot) bills what is billable now.
  return `copy (
    select v.ord, ${DETAIL_COLUMNS('coalesce(p.unit_price, 0)', 'coalesce(m.parts * p.unit_price, 0)')}
    from (values ${invoices.join(', ')}) as v(ord, customer_id, start_at, end_at, snap)
    cross join lateral (
      select m.*, case when v.snap is null then m.billable else ${billedInSnapshot('v.snap')} end as billed
      from messages m
      where m.sent_at >= '${from}' and m.sent_at < '${to}'
        and m.customer_id = v.customer_id and m.sent_at >= v.start_at and m.sent_at < v.end_at
        and (v.snap is null or pg_visible_in_snapshot(m.ingest_xid, v.snap))
    ) m
    left join ${prices} as p(ord, product, operator, unit_price)
      on p.ord = v.ord and p.product = m.product and p.operator = m.operator
    order by v.ord, m.sent_at, m.sending_id
  ) to stdout with (format csv)`;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Splits COPY CSV output into records (a newline inside a quoted field stays in its record) and hands each
 * record's index (its first field) and the rest of it, newline included, to `take`.
 */
export class RecordSplitter {
  private carry: Buffer = Buffer.alloc(0);
  private inQuote = false;
  private scanned = 0;

  push(chunk: Buffer, take: (ord: number, rest: Buffer) => void): void {
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let start = 0;
    for (let i = this.scanned; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === QUOTE) this.inQuote = !this.inQuote;
      else if (c === NEWLINE && !this.inQuote) {
        const comma = buf.indexOf(COMMA, start);
        take(Number(buf.toString('latin1', start, comma)), buf.subarray(comma + 1, i + 1));
        start = i + 1;
      }
    }
    this.carry = buf.subarray(start);
    this.scanned = this.carry.length;
  }

  /** Bytes of an unfinished record at the end: none when the COPY ended well. */
  get leftover(): number {
    return this.carry.length;
  }
}

/**
 * R14: writes the details of `items` from one COPY on `client`: each file whole (header, rows, the same bytes as
 * its own COPY would give), gzipped as writeDetailCsv does. `onWritten` gets each item's index and final path,
 * in order. A failure leaves the items not yet finished without a file (the next run writes them).
 */
export async function writeSharedDetails(
  client: pg.PoolClient,
  items: ReadonlyArray<SharedDetail>,
  gzipAbove: number,
  onWritten: (index: number, file: string) => void,
): Promise<void> {
  if (items.length === 0) return;
  let current = -1;
  let out: { pass: PassThrough; done: Promise<void> } | null = null;
  const open = (k: number) => {
    const pass = new PassThrough();
    pass.write(`${DETAIL_HEADER}\n`);
    const item = items[k]!;
    const done = writeDetailFrom(() => pass, item.file, gzipAbove, item.expectedRows).then((file) =>
      onWritten(k, file),
    );
    // Awaited in order below; a rejection seen first here is not an unhandled one.
    done.catch(() => {});
    return { pass, done };
  };
  const advanceTo = async (k: number) => {
    while (current < k) {
      if (out) {
        out.pass.end();
        await out.done;
      }
      current += 1;
      out = current < items.length ? open(current) : null;
    }
  };
  const splitter = new RecordSplitter();
  await detailSession(client);
  const copy = client.query(copyTo(sharedDetailCopySql(items.map((i) => i.query))));
  try {
    for await (const chunk of copy as AsyncIterable<Buffer>) {
      const batches: Array<{ ord: number; parts: Buffer[] }> = [];
      splitter.push(chunk, (ord, rest) => {
        const last = batches.at(-1);
        if (last?.ord === ord) last.parts.push(rest);
        else batches.push({ ord, parts: [rest] });
      });
      for (const b of batches) {
        await advanceTo(b.ord);
        const o = out!;
        // A file that failed ends its wait for 'drain' too: its error is thrown here.
        if (!o.pass.write(Buffer.concat(b.parts))) await Promise.race([once(o.pass, 'drain'), o.done]);
      }
    }
    if (splitter.leftover > 0) throw new Error('detail: the COPY ended inside a record');
    await advanceTo(items.length);
  } catch (error) {
    (out as { pass: PassThrough } | null)?.pass.destroy(error as Error);
    throw error;
  }
}
