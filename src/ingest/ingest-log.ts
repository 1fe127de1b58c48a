import path from 'node:path';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { type DeliveryStatus, isDeliveryStatus, mergeDeliveryStatus } from '../domain/delivery-status.ts';
import type { Operator, PrefixTable } from '../domain/numbers.ts';
import {
  type Batch,
  type BatchResult,
  batchSize,
  loadBatch,
  newBatch,
  prepareStaging,
} from './load-batch.ts';
import { lineTooLong, type ParseContext, parseLine } from './parse-line.ts';
import { type LogSource, MAX_LINE_BYTES, readLines } from './read-lines.ts';
import { redactClosedLines } from './rejected-lines.ts';

export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface IngestSummary {
  readonly files: number;
  readonly linesRead: number;
  readonly sendRecords: number;
  readonly messagesLoaded: number;
  readonly duplicates: number;
  readonly reports: number;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  readonly rejected: number;
  /** Lines loaded with a warning (an odd send time, R1). */
  readonly warned: number;
  /** Time spent in PostgreSQL loading batches, in ms (reading and parsing overlap with it). */
  readonly databaseMs: number;
  /** The first rejections (at most `maxListed`), in file and line order. */
  readonly rejections: ReadonlyArray<Rejection>;
  /** The first warnings (at most `maxListed`), in file and line order. */
  readonly warnings: ReadonlyArray<Rejection>;
}

export interface IngestOptions {
  readonly storeMessageText: boolean;
  readonly batchLines?: number;
  readonly maxListed?: number;
  readonly onProgress?: (linesRead: number) => void;
  /** The run's clock, for odd send times (R1); default now. */
  readonly now?: Date;
  /** Called after each batch commits with the customers whose send records it held (issue 13: quota re-check). */
  readonly afterBatch?: AfterBatch;
}

export type AfterBatch = (customerIds: ReadonlySet<number>) => void;

const DEFAULT_BATCH_LINES = 10_000;
const YIELD_EVERY_LINES = 256;
/** A batch is sent when its lines hold this much text, however few they are: overlong lines cannot fill the heap. */
const MAX_BATCH_CHARACTERS = 4 * 1024 * 1024;
const PROGRESS_EVERY_LINES = 1000;

class Tally {
  files = 0;
  linesRead = 0;
  sendRecords = 0;
  messagesLoaded = 0;
  duplicates = 0;
  reports = 0;
  reportsApplied = 0;
  reportsWaiting = 0;
  rejected = 0;
  warned = 0;
  /** Time the database spent loading batches (the rest of the wall time is reading and parsing, overlapped). */
  databaseMs = 0;
  readonly rejections: Rejection[] = [];
  readonly warnings: Rejection[] = [];
  constructor(private readonly maxListed: number) {}

  reject(file: string, line: number, reason: string): void {
    this.rejected += 1;
    if (this.rejections.length < this.maxListed) this.rejections.push({ file, line, reason });
  }

  warn(file: string, line: number, reason: string): void {
    this.warned += 1;
    if (this.warnings.length < this.maxListed) this.warnings.push({ file, line, reason });
  }

  add(result: BatchResult): void {
    this.messagesLoaded += result.loaded;
    this.duplicates += result.duplicates;
    this.reportsApplied += result.reportsApplied;
    this.reportsWaiting += result.reportsWaiting;
    for (const c of result.conflicts) this.reject(c.file, c.lineNo, c.reason);
  }

  summary(): IngestSummary {
    const byLine = (a: Rejection, b: Rejection) => a.file.localeCompare(b.file) || a.line - b.line;
    const rejections = [...this.rejections].sort(byLine);
    return {
      files: this.files,
      linesRead: this.linesRead,
      sendRecords: this.sendRecords,
      messagesLoaded: this.messagesLoaded,
      duplicates: this.duplicates,
      reports: this.reports,
      reportsApplied: this.reportsApplied,
      reportsWaiting: this.reportsWaiting,
      rejected: this.rejected,
      warned: this.warned,
      databaseMs: Math.round(this.databaseMs),
      rejections,
      warnings: [...this.warnings].sort(byLine),
    };
  }
}

/** What parseLine needs, read fresh from the database (customers, products, operator prefixes). */
export async function loadContext(
  client: pg.PoolClient,
  storeMessageText: boolean,
  now: Date,
): Promise<ParseContext> {
  const customers = await client.query<{ code: string; id: number }>('select code, id from customers');
  const products = await client.query<{ code: string }>('select code from products');
  const prefixes = await client.query<{ prefix: string; operator: Operator }>(
    'select prefix, operator from operator_prefixes',
  );
  return {
    customers: new Map(customers.rows.map((r) => [r.code, Number(r.id)])),
    products: new Set(products.rows.map((r) => r.code)),
    prefixes: new Map(prefixes.rows.map((r) => [r.prefix, r.operator])) as PrefixTable,
    storeMessageText,
    now,
  };
}

/**
 * Feeds lines through parse → batch → load, keeping one batch in flight in PostgreSQL while the next is parsed,
 * so both cores work.
 */
class Loader {
  private inFlight: Promise<void> = Promise.resolve();
  private batch: Batch;
  private readonly sendIndex = new Map<number, number>();
  private sinceYield = 0;
  private batchCharacters = 0;
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ctx: ParseContext,
    private readonly tally: Tally,
    private readonly batchLines: number,
    private readonly file: string,
    private readonly resolveEarlier: boolean,
    private readonly afterBatch?: AfterBatch,
  ) {
    this.batch = newBatch(file);
  }

  async line(lineNo: number, raw: string, tooLongBytes?: number): Promise<void> {
    // Parsing is synchronous work on the thread that also handles PostgreSQL's answers: give those a turn now and
    // then, or the batch in flight waits for the parser and the two never overlap.
    if (++this.sinceYield >= YIELD_EVERY_LINES) {
      this.sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const parsed =
      tooLongBytes === undefined ? parseLine(raw, this.ctx) : lineTooLong(tooLongBytes, MAX_LINE_BYTES);
    this.batchCharacters += raw.length;
    if (parsed.kind === 'send') {
      this.tally.sendRecords += 1;
      if (parsed.warning) this.tally.warn(this.file, lineNo, parsed.warning);
      if (!this.sendIndex.has(parsed.row.sendingId))
        this.sendIndex.set(parsed.row.sendingId, this.batch.sends.length);
      this.batch.sends.push({ lineNo, raw, row: parsed.row, deliveryStatus: null });
    } else if (parsed.kind === 'reports') {
      this.tally.reports += parsed.rows.length;
      this.batch.reportLines.push({ lineNo, raw });
      for (const row of parsed.rows) {
        // R2: a report for a record of this same batch is merged here, so the row is written once, already
        // carrying its status; the others go through the database's merge.
        const i = this.sendIndex.get(row.sendingId);
        const send = i === undefined ? undefined : this.batch.sends[i];
        if (send && isDeliveryStatus(row.deliveryStatus)) {
          this.tally.reportsApplied += 1;
          send.deliveryStatus = mergeDeliveryStatus(
            send.deliveryStatus as DeliveryStatus | null,
            row.deliveryStatus,
          );
        } else this.batch.reports.push({ lineNo, row });
      }
    } else {
      this.batch.rejections.push({
        file: this.file,
        lineNo,
        reason: parsed.reason,
        raw,
        fixable: parsed.fixable,
      });
      this.tally.reject(this.file, lineNo, parsed.reason);
    }
    if (batchSize(this.batch) >= this.batchLines || this.batchCharacters >= MAX_BATCH_CHARACTERS)
      await this.flush();
  }

  async flush(): Promise<void> {
    await this.inFlight;
    if (batchSize(this.batch) === 0) return;
    const batch = this.batch;
    this.batch = newBatch(this.file);
    this.batchCharacters = 0;
    this.sendIndex.clear();
    const t0 = performance.now();
    this.inFlight = loadBatch(this.client, batch, this.resolveEarlier).then((r) => {
      this.tally.add(r);
      this.tally.databaseMs += performance.now() - t0;
      this.afterBatch?.(new Set(batch.sends.map((s) => s.row.customerId)));
    });
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }
}

async function hasOpenRejections(client: pg.PoolClient, file: string): Promise<boolean> {
  const r = await client.query(
    'select 1 from rejected_lines where file = $1 and resolved_at is null limit 1',
    [file],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Loads gateway log files (R2–R4): idempotent by sendingid; bad lines go to the rejected log, never stop a file. */
export async function ingestLogs(
  pool: pg.Pool,
  sources: ReadonlyArray<LogSource>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const tally = new Tally(options.maxListed ?? 1000);
  const client = await pool.connect();
  try {
    await prepareStaging(client);
    const ctx = await loadContext(client, options.storeMessageText, options.now ?? new Date());
    for (const source of sources) {
      const file = source.name === 'stdin' ? 'stdin' : path.resolve(source.name);
      const loader = new Loader(
        client,
        ctx,
        tally,
        options.batchLines ?? DEFAULT_BATCH_LINES,
        file,
        await hasOpenRejections(client, file),
        options.afterBatch,
      );
      tally.files += 1;
      try {
        for await (const { lineNo, text, tooLongBytes } of readLines(await source.open(), file)) {
          tally.linesRead += 1;
          if (options.onProgress && tally.linesRead % PROGRESS_EVERY_LINES === 0)
            options.onProgress(tally.linesRead);
          await loader.line(lineNo, text, tooLongBytes);
        }
      } finally {
        // Also when the file cannot be read on (damaged gzip): the lines read so far are loaded, as the error says,
        // and no batch is still using the connection when it is released.
        await loader.finish();
      }
    }
    // Lines this run resolved no longer need their message text (issue 17).
    await redactClosedLines(client);
    return tally.summary();
  } finally {
    await client.query('reset enable_seqscan').catch(() => {});
    client.release();
  }
}

/** Tries every open rejected line again (e.g. after the missing customer was added); the fixed ones are resolved. */
export async function replayRejected(pool: pg.Pool, options: IngestOptions): Promise<IngestSummary> {
  const tally = new Tally(options.maxListed ?? 1000);
  const reader = await pool.connect();
  const client = await pool.connect();
  try {
    await prepareStaging(client);
    const ctx = await loadContext(client, options.storeMessageText, options.now ?? new Date());
    const cursor = reader.query(
      new Cursor<{ file: string; line_no: number; raw: string }>(
        'select file, line_no, raw from rejected_lines where resolved_at is null order by file, line_no',
      ),
    );
    let loader: Loader | null = null;
    let currentFile: string | null = null;
    for (;;) {
      const rows = await cursor.read(5000);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.file !== currentFile) {
          await loader?.finish();
          currentFile = row.file;
          tally.files += 1;
          loader = new Loader(
            client,
            ctx,
            tally,
            options.batchLines ?? DEFAULT_BATCH_LINES,
            row.file,
            true,
            options.afterBatch,
          );
        }
        tally.linesRead += 1;
        await loader!.line(row.line_no, row.raw);
      }
    }
    await loader?.finish();
    await cursor.close();
    await redactClosedLines(client);
    return tally.summary();
  } finally {
    await client.query('reset enable_seqscan').catch(() => {});
    reader.release();
    client.release();
  }
}
