// Issue 16: the usage details of many invoices from one COPY instead of one COPY each. A month of 1 000 invoices was
// 1 000 statements, each planned, sorted and sent on its own: about 9× the plain COPY of the same columns. Here one
// statement streams every invoice's rows in invoice order, and the rows are split into the invoices' files as they
// come. The rows and their wording are the per-invoice COPY's own (detail-rows.ts), priced here from each invoice's
// lines; a graduated product (R18) needs the running count of parts per invoice, so such an invoice keeps its own
// COPY (canShareCopy).
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { billedInSnapshot } from '../db/billed-sql.ts';
import { BinaryCopyReader } from '../db/binary-copy.ts';
import { checkDetailQuery, type DetailQuery, writeDetailFrom } from './detail-csv.ts';
import {
  checkDetailTuple,
  DETAIL_HEADER,
  DETAIL_ROW_FIELDS,
  DETAIL_ROW_SQL,
  DetailLines,
  detailOrd,
  detailPricesOf,
  WRITE_BYTES,
} from './detail-rows.ts';

/** How many ended files of a lane may still be finishing while its COPY goes on. */
const FINISHING_FILES = 16;

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
  // The whole range as constants as well, so PostgreSQL reads only the months' partitions.
  const from = new Date(Math.min(...queries.map((q) => q.start.getTime()))).toISOString();
  const to = new Date(Math.max(...queries.map((q) => q.endExclusive.getTime()))).toISOString();
  // R2 as billed in each invoice's own snapshot; a draft (no snapshot) bills what is billable now.
  return `copy (
    select ${DETAIL_ROW_SQL('v.ord', null, null)}
    from (values ${invoices.join(', ')}) as v(ord, customer_id, start_at, end_at, snap)
    cross join lateral (
      select m.*, case when v.snap is null then m.billable else ${billedInSnapshot('v.snap')} end as billed
      from messages m
      where m.sent_at >= '${from}' and m.sent_at < '${to}'
        and m.customer_id = v.customer_id and m.sent_at >= v.start_at and m.sent_at < v.end_at
        and (v.snap is null or pg_visible_in_snapshot(m.ingest_xid, v.snap))
    ) m
    order by v.ord, m.sent_at, m.sending_id
  ) to stdout with (format binary)`;
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
  let out: { pass: PassThrough; done: Promise<string> } | null = null;
  // The files ended and still being finished (flushed, gzipped, renamed), oldest first: the COPY goes on meanwhile
  // (issue 16: waiting for each file before the next row held a lane still for a tenth of the 10 M month's export).
  const finishing: Array<{ k: number; done: Promise<string> }> = [];
  const finishOldest = async () => {
    const f = finishing.shift()!;
    onWritten(f.k, await f.done);
  };
  const open = (k: number) => {
    const pass = new PassThrough();
    // Destroyed with the lane's error before its file's pipeline reads it, it must not throw where nothing listens:
    // that file's `done` gets the error.
    pass.on('error', () => {});
    pass.write(`${DETAIL_HEADER}\n`);
    const item = items[k]!;
    const done = writeDetailFrom(() => pass, item.file, gzipAbove, item.expectedRows);
    // Awaited in order below; a rejection seen first here is not an unhandled one.
    done.catch(() => {});
    return { pass, done };
  };
  const advanceTo = async (k: number) => {
    while (current < k) {
      if (out) {
        out.pass.end();
        finishing.push({ k: current, done: out.done });
        if (finishing.length > FINISHING_FILES) await finishOldest();
      }
      current += 1;
      out = current < items.length ? open(current) : null;
    }
  };
  const reader = new BinaryCopyReader(DETAIL_ROW_FIELDS);
  const prices = items.map((i) => detailPricesOf(i.query.prices));
  const lines = new DetailLines();
  let first = true;
  // The invoice whose lines `lines` holds, not yet written: they are written once an invoice ends or they fill
  // WRITE_BYTES, not once per chunk of the COPY.
  let ord = -1;
  const write = async (b: { ord: number; text: Buffer }) => {
    await advanceTo(b.ord);
    const o = out!;
    // A file that failed ends its wait for 'drain' too: its error is thrown here.
    if (!o.pass.write(b.text)) await Promise.race([once(o.pass, 'drain'), o.done]);
  };
  const copy = client.query(copyTo(sharedDetailCopySql(items.map((i) => i.query))));
  try {
    for await (const chunk of copy as AsyncIterable<Buffer>) {
      const batches: Array<{ ord: number; text: Buffer }> = [];
      reader.push(chunk, (t) => {
        if (first) checkDetailTuple(t);
        first = false;
        const next = detailOrd(t);
        if (next !== ord && ord >= 0) batches.push({ ord, text: lines.take() });
        ord = next;
        lines.add(t, prices[ord]!);
      });
      if (lines.size >= WRITE_BYTES) batches.push({ ord, text: lines.take() });
      for (const b of batches) await write(b);
    }
    if (!reader.complete) throw new Error('detail: the COPY ended inside a row');
    if (lines.size > 0) await write({ ord, text: lines.take() });
    await advanceTo(items.length);
    while (finishing.length > 0) await finishOldest();
  } catch (error) {
    const last = out as { pass: PassThrough; done: Promise<string> } | null;
    last?.pass.destroy(error as Error);
    // Nothing is left running behind the failure: each file is whole or not there at all.
    await Promise.allSettled([...finishing.map((f) => f.done), ...(last ? [last.done] : [])]);
    throw error;
  }
}
