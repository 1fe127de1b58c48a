import path from 'node:path';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { Operator, PrefixTable } from '../domain/numbers.ts';
import { type ChunkParser, createChunkParser, parseFileOnWorker } from './chunk-parser.ts';
import { CopyUnit, type HeldChunk, type UnitResult } from './copy-unit.ts';
import {
  type Batch,
  type BatchResult,
  batchSize,
  loadBatch,
  newBatch,
  prepareStaging,
} from './load-batch.ts';
import { type LineChunk, type ParsedChunk, parseChunkLine, splitChunk } from './parse-chunk.ts';
import { type ParseContext, type ParsedLine, parseLine } from './parse-line.ts';
import { type LogSource, readLines } from './read-lines.ts';
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
  /** Lines per unit of work (one COPY, one transaction); a failed run keeps the units before it. */
  readonly batchLines?: number;
  readonly maxListed?: number;
  readonly onProgress?: (linesRead: number) => void;
  /** The run's clock, for odd send times (R1); default now. */
  readonly now?: Date;
  /**
   * Called after each unit or batch commits with the customers whose send records it held or whose stored records'
   * status its reports changed (issue 13: quota re-check; a Reject gives usage back).
   */
  readonly afterBatch?: AfterBatch;
}

export type AfterBatch = (customerIds: ReadonlySet<number>) => void;

// Lines per unit of work (one COPY, one transaction). The raw lines of a unit are held until it commits (the staged
// path needs them when the unit meets a known sendingid), so the unit bounds the memory: at 1 M messages the ingest
// peaked at 292 MB RSS with 100 000-line units and 214 MB with 25 000 (the per-unit steps cost a few ms each).
const DEFAULT_BATCH_LINES = 25_000;
/** Lines per message to the parser thread. */
const MAX_CHUNK_LINES = 4096;
/** Chunks parsed ahead of the COPY: the parser never waits for PostgreSQL, and memory stays bounded. */
const CHUNKS_IN_FLIGHT = 8;
/** Lines per transaction on the staged path (reruns, replays), which merges in SQL. */
const STAGED_BATCH_LINES = 10_000;
/** A chunk or staged batch is cut when its lines hold this much text, however few: overlong lines cannot fill the heap. */
const MAX_BATCH_CHARACTERS = 4 * 1024 * 1024;
/** A unit of work is closed when the lines it holds reach this much text (they are held until it commits). */
const MAX_UNIT_CHARACTERS = 16 * 1024 * 1024;
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

  addUnit(file: string, result: UnitResult): void {
    this.messagesLoaded += result.loaded;
    this.sendRecords += result.sendRecords;
    this.reports += result.reports;
    this.reportsApplied += result.reportsApplied;
    this.reportsWaiting += result.reportsWaiting;
    for (const r of result.rejections) this.reject(r.file, r.lineNo, r.reason);
    for (const w of result.warnings) this.warn(file, w.lineNo, w.reason);
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

/**
 * What parseLine needs, read fresh from the database (customers, products, operator prefixes, whether any prepaid
 * account exists), in one round trip: a file ingest reads it once; the HTTP API keeps it (ParseContextCache).
 */
export async function loadContext(
  client: pg.PoolClient,
  storeMessageText: boolean,
  now: Date,
): Promise<ParseContext> {
  return (await readContext(client, storeMessageText, now, false)).ctx;
}

/**
 * The parse context and, read in the same snapshot, the version it is (ingest_context_version, bumped by every change
 * to what it holds): a ParseContextCache keeps it while the version stays.
 */
export async function loadVersionedContext(
  client: pg.PoolClient,
  storeMessageText: boolean,
  now: Date,
): Promise<{ readonly ctx: ParseContext; readonly version: string }> {
  const { ctx, version } = await readContext(client, storeMessageText, now, true);
  return { ctx, version: version ?? '' };
}

/** The one query both read; the version column only when asked (the file ingest does not need it). */
async function readContext(
  client: pg.PoolClient,
  storeMessageText: boolean,
  now: Date,
  withVersion: boolean,
): Promise<{ readonly ctx: ParseContext; readonly version: string | null }> {
  const r = await client.query<{
    customers: Array<[string, number]>;
    products: string[];
    prefixes: Array<[string, Operator]>;
    prepaid: boolean;
    version: string | null;
  }>(`select
      (select coalesce(json_agg(json_build_array(code, id)), '[]') from customers) as customers,
      (select coalesce(json_agg(code), '[]') from products) as products,
      (select coalesce(json_agg(json_build_array(prefix, operator)), '[]') from operator_prefixes) as prefixes,
      exists (select 1 from prepaid_accounts) as prepaid,
      ${withVersion ? '(select version::text from ingest_context_version)' : 'null::text'} as version`);
  const row = r.rows[0]!;
  const ctx = {
    customers: new Map(row.customers.map(([code, id]) => [code, Number(id)])),
    products: new Set(row.products),
    prefixes: new Map(row.prefixes) as PrefixTable,
    storeMessageText,
    now,
    prepaid: row.prepaid,
  };
  return { ctx, version: row.version };
}

/**
 * Feeds one file's lines through parse → COPY: chunks of lines go to the parser thread and come back as COPY rows,
 * streamed into one COPY per unit of work while the next chunks are parsed, so both cores work.
 */
class FileLoader {
  private unit: CopyUnit;
  private unitCharacters = 0;
  private readonly queue: Array<{ chunk: LineChunk; parsed: Promise<ParsedChunk> }> = [];
  private texts: string[] = [];
  private lineNos: number[] = [];
  private tooLong: Array<{ index: number; bytes: number }> = [];
  private characters = 0;
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ctx: ParseContext,
    /** Parses the lines given to line(); null when the chunks come parsed already (add()). */
    private readonly parser: ChunkParser | null,
    private readonly tally: Tally,
    private readonly file: string,
    private readonly resolveEarlier: boolean,
    private readonly unitLines: number,
    private readonly afterBatch?: AfterBatch,
  ) {
    this.unit = new CopyUnit(client, file, resolveEarlier);
  }

  async line(lineNo: number, text: string, tooLongBytes?: number): Promise<void> {
    if (tooLongBytes !== undefined) this.tooLong.push({ index: this.texts.length, bytes: tooLongBytes });
    this.texts.push(text);
    this.lineNos.push(lineNo);
    this.characters += text.length;
    if (
      this.texts.length >= Math.min(MAX_CHUNK_LINES, this.unitLines) ||
      this.characters >= MAX_BATCH_CHARACTERS
    )
      await this.dispatch();
  }

  private async dispatch(): Promise<void> {
    const chunk: LineChunk = {
      text: this.texts.join('\n'),
      lineNos: Int32Array.from(this.lineNos),
      tooLong: this.tooLong,
    };
    this.texts = [];
    this.lineNos = [];
    this.tooLong = [];
    this.characters = 0;
    this.queue.push({ chunk, parsed: this.parser!.parse(chunk) });
    if (this.queue.length >= CHUNKS_IN_FLIGHT) await this.drainOne();
  }

  private async drainOne(): Promise<void> {
    const { chunk, parsed } = this.queue.shift()!;
    await this.add({ chunk, parsed: await parsed });
  }

  /** Takes a parsed chunk into the unit of work, closing the unit when full. */
  async add(held: HeldChunk): Promise<void> {
    const t0 = performance.now();
    await this.unit.add(held);
    this.unitCharacters += held.chunk.text.length;
    if (this.unit.lines >= this.unitLines || this.unitCharacters >= MAX_UNIT_CHARACTERS)
      await this.closeUnit();
    this.tally.databaseMs += performance.now() - t0;
  }

  private async closeUnit(): Promise<void> {
    const unit = this.unit;
    this.unit = new CopyUnit(this.client, this.file, this.resolveEarlier);
    this.unitCharacters = 0;
    const result = await unit.finish();
    if (result) {
      this.tally.addUnit(this.file, result);
      this.afterBatch?.(result.customerIds);
    } else await this.loadStaged(unit.held);
  }

  /** A unit that met sendingids loaded before (a rerun, a replay) goes through the staged path, batch by batch. */
  private async loadStaged(held: ReadonlyArray<HeldChunk>): Promise<void> {
    const staged = new StagedLoader(
      this.client,
      this.ctx,
      this.tally,
      this.file,
      this.resolveEarlier,
      this.afterBatch,
    );
    for (const { chunk } of held) {
      const lines = splitChunk(chunk);
      for (let i = 0; i < lines.length; i++)
        await staged.line(chunk.lineNos[i]!, lines[i]!, parseChunkLine(chunk, lines, i, this.ctx));
    }
    await staged.finish();
  }

  async finish(): Promise<void> {
    if (this.texts.length > 0) await this.dispatch();
    while (this.queue.length > 0) await this.drainOne();
    if (this.unit.lines > 0) {
      const t0 = performance.now();
      await this.closeUnit();
      this.tally.databaseMs += performance.now() - t0;
    }
  }
}

/** The staged path (reruns, replays): lines into batches of STAGED_BATCH_LINES, merged in SQL, one commit each. */
class StagedLoader {
  private batch: Batch;
  private characters = 0;
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ctx: ParseContext,
    private readonly tally: Tally,
    readonly file: string,
    private readonly resolveEarlier: boolean,
    private readonly afterBatch?: AfterBatch,
  ) {
    this.batch = newBatch(file);
  }

  /** Stages one line, parsed already or (replays) parsed here. */
  async line(lineNo: number, raw: string, parsed: ParsedLine = parseLine(raw, this.ctx)): Promise<void> {
    stageLine(this.batch, lineNo, raw, parsed, this.tally);
    this.characters += raw.length;
    if (batchSize(this.batch) >= STAGED_BATCH_LINES || this.characters >= MAX_BATCH_CHARACTERS)
      await this.flush();
  }

  private async flush(): Promise<void> {
    if (batchSize(this.batch) === 0) return;
    const batch = this.batch;
    this.batch = newBatch(this.file);
    this.characters = 0;
    const t0 = performance.now();
    const result = await loadBatch(this.client, batch, this.resolveEarlier);
    this.tally.add(result);
    this.tally.databaseMs += performance.now() - t0;
    this.afterBatch?.(new Set([...batch.sends.map((s) => s.row.customerId), ...result.reportCustomerIds]));
  }

  async finish(): Promise<void> {
    await this.flush();
  }
}

/** One parsed line into the staged batch (the staged path merges reports in the database). */
function stageLine(batch: Batch, lineNo: number, raw: string, parsed: ParsedLine, tally: Tally): void {
  if (parsed.kind === 'send') {
    tally.sendRecords += 1;
    if (parsed.warning) tally.warn(batch.file, lineNo, parsed.warning);
    batch.sends.push({ lineNo, raw, row: parsed.row, deliveryStatus: null });
  } else if (parsed.kind === 'reports') {
    tally.reports += parsed.rows.length;
    batch.reportLines.push({ lineNo, raw });
    for (const row of parsed.rows) batch.reports.push({ lineNo, row });
  } else {
    batch.rejections.push({ file: batch.file, lineNo, reason: parsed.reason, raw, fixable: parsed.fixable });
    tally.reject(batch.file, lineNo, parsed.reason);
  }
}

export async function hasOpenRejections(client: pg.PoolClient, file: string): Promise<boolean> {
  const r = await client.query(
    'select 1 from rejected_lines where file = $1 and resolved_at is null limit 1',
    [file],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Reads one file's lines into the loader: on the worker thread when it can, else here; progress every 1000 lines. */
async function feedFile(
  source: LogSource,
  file: string,
  loader: FileLoader,
  onWorker: AsyncGenerator<HeldChunk> | null,
  tally: Tally,
  onProgress: IngestOptions['onProgress'],
): Promise<void> {
  if (onWorker) {
    for await (const held of onWorker) {
      const before = tally.linesRead;
      tally.linesRead += held.chunk.lineNos.length;
      // The worker reads the file: its byte count is the progress bar's (issue 17).
      source.noteBytesRead?.(held.parsed.bytesRead);
      if (
        onProgress &&
        Math.floor(before / PROGRESS_EVERY_LINES) < Math.floor(tally.linesRead / PROGRESS_EVERY_LINES)
      )
        onProgress(tally.linesRead);
      await loader.add(held);
    }
    return;
  }
  for await (const { lineNo, text, tooLongBytes } of readLines(await source.open(), file)) {
    tally.linesRead += 1;
    if (onProgress && tally.linesRead % PROGRESS_EVERY_LINES === 0) onProgress(tally.linesRead);
    await loader.line(lineNo, text, tooLongBytes);
  }
}

/** Loads gateway log files (R2–R4): idempotent by sendingid; bad lines go to the rejected log, never stop a file. */
export async function ingestLogs(
  pool: pg.Pool,
  sources: ReadonlyArray<LogSource>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const tally = new Tally(options.maxListed ?? 1000);
  const client = await pool.connect();
  let parser: ChunkParser | null = null;
  try {
    await prepareStaging(client);
    const ctx = await loadContext(client, options.storeMessageText, options.now ?? new Date());
    for (const source of sources) {
      const file = source.name === 'stdin' ? 'stdin' : path.resolve(source.name);
      const resolveEarlier = await hasOpenRejections(client, file);
      const unitLines = options.batchLines ?? DEFAULT_BATCH_LINES;
      tally.files += 1;
      const limits = {
        chunkLines: Math.min(MAX_CHUNK_LINES, unitLines),
        maxChunkCharacters: MAX_BATCH_CHARACTERS,
        ahead: CHUNKS_IN_FLIGHT,
      };
      // A file on disk is read and parsed on the worker thread; standard input and other sources here.
      const onWorker =
        source.path === undefined ? null : parseFileOnWorker(ctx, { file: source.path, name: file }, limits);
      // Standard input is read here; only then is a parser thread for lines sent to it needed.
      if (!onWorker) parser ??= createChunkParser(ctx);
      const loader = new FileLoader(
        client,
        ctx,
        onWorker ? null : parser,
        tally,
        file,
        resolveEarlier,
        unitLines,
        options.afterBatch,
      );
      try {
        await feedFile(source, file, loader, onWorker, tally, options.onProgress);
      } finally {
        // Also when the file cannot be read on (damaged gzip): the lines read so far are loaded, as the error says,
        // and no unit is still using the connection when it is released.
        await loader.finish();
      }
    }
    // Lines this run resolved no longer need their message text (issue 17).
    await redactClosedLines(client);
    return tally.summary();
  } finally {
    await parser?.close();
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
    let loader: StagedLoader | null = null;
    for (;;) {
      const rows = await cursor.read(5000);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (loader === null || row.file !== loader.file) {
          await loader?.finish();
          tally.files += 1;
          loader = new StagedLoader(client, ctx, tally, row.file, true, options.afterBatch);
        }
        tally.linesRead += 1;
        await loader.line(row.line_no, row.raw);
      }
    }
    await loader?.finish();
    await cursor.close();
    await redactClosedLines(client);
    return tally.summary();
  } finally {
    reader.release();
    client.release();
  }
}
