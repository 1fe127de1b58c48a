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
import { type LineChunk, type ParsedChunk, splitChunk } from './parse-chunk.ts';
import { type ParseContext, parseLine } from './parse-line.ts';
import { type LogSource, readLines } from './read-lines.ts';

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
  /** Time spent in PostgreSQL loading batches, in ms (reading and parsing overlap with it). */
  readonly databaseMs: number;
  /** The first rejections (at most `maxListed`), in file and line order. */
  readonly rejections: ReadonlyArray<Rejection>;
}

export interface IngestOptions {
  readonly storeMessageText: boolean;
  /** Lines per unit of work (one COPY, one transaction); a failed run keeps the units before it. */
  readonly batchLines?: number;
  readonly maxListed?: number;
  readonly onProgress?: (linesRead: number) => void;
}

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
  /** Time the database spent loading batches (the rest of the wall time is reading and parsing, overlapped). */
  databaseMs = 0;
  readonly rejections: Rejection[] = [];
  constructor(private readonly maxListed: number) {}

  reject(file: string, line: number, reason: string): void {
    this.rejected += 1;
    if (this.rejections.length < this.maxListed) this.rejections.push({ file, line, reason });
  }

  addUnit(result: UnitResult): void {
    this.messagesLoaded += result.loaded;
    this.sendRecords += result.sendRecords;
    this.reports += result.reports;
    this.reportsApplied += result.reportsApplied;
    this.reportsWaiting += result.reportsWaiting;
    for (const r of result.rejections) this.reject(r.file, r.lineNo, r.reason);
  }

  add(result: BatchResult): void {
    this.messagesLoaded += result.loaded;
    this.duplicates += result.duplicates;
    this.reportsApplied += result.reportsApplied;
    this.reportsWaiting += result.reportsWaiting;
    for (const c of result.conflicts) this.reject(c.file, c.lineNo, c.reason);
  }

  summary(): IngestSummary {
    const rejections = [...this.rejections].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
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
      databaseMs: Math.round(this.databaseMs),
      rejections,
    };
  }
}

export async function loadContext(client: pg.PoolClient, storeMessageText: boolean): Promise<ParseContext> {
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
  };
}

/**
 * Feeds one file's lines through parse → COPY: chunks of lines go to the parser thread and come back as COPY rows,
 * streamed into one COPY per unit of work while the next chunks are parsed, so both cores work.
 */
class FileLoader {
  private unit: CopyUnit;
  private readonly queue: Array<{ chunk: LineChunk; parsed: Promise<ParsedChunk> }> = [];
  private texts: string[] = [];
  private lineNos: number[] = [];
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ctx: ParseContext,
    /** Parses the lines given to line(); null when the chunks come parsed already (add()). */
    private readonly parser: ChunkParser | null,
    private readonly tally: Tally,
    private readonly file: string,
    private readonly resolveEarlier: boolean,
    private readonly unitLines: number,
  ) {
    this.unit = new CopyUnit(client, file, resolveEarlier);
  }

  async line(lineNo: number, text: string): Promise<void> {
    this.texts.push(text);
    this.lineNos.push(lineNo);
    if (this.texts.length >= Math.min(MAX_CHUNK_LINES, this.unitLines)) await this.dispatch();
  }

  private async dispatch(): Promise<void> {
    const chunk = { text: this.texts.join('\n'), lineNos: Int32Array.from(this.lineNos) };
    this.texts = [];
    this.lineNos = [];
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
    if (this.unit.lines >= this.unitLines) await this.closeUnit();
    this.tally.databaseMs += performance.now() - t0;
  }

  private async closeUnit(): Promise<void> {
    const unit = this.unit;
    this.unit = new CopyUnit(this.client, this.file, this.resolveEarlier);
    const result = await unit.finish();
    if (result) this.tally.addUnit(result);
    else await this.loadStaged(unit.held);
  }

  /** A unit that met sendingids loaded before (a rerun, a replay) goes through the staged path, batch by batch. */
  private async loadStaged(held: ReadonlyArray<HeldChunk>): Promise<void> {
    let batch = newBatch(this.file);
    for (const { chunk } of held) {
      const lines = splitChunk(chunk);
      for (let i = 0; i < lines.length; i++) {
        stageLine(batch, chunk.lineNos[i]!, lines[i]!, this.ctx, this.tally);
        if (batchSize(batch) >= STAGED_BATCH_LINES) {
          this.tally.add(await loadBatch(this.client, batch, this.resolveEarlier));
          batch = newBatch(this.file);
        }
      }
    }
    if (batchSize(batch) > 0) this.tally.add(await loadBatch(this.client, batch, this.resolveEarlier));
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

/** Parses one line into the staged batch (the staged path merges reports in the database). */
function stageLine(batch: Batch, lineNo: number, raw: string, ctx: ParseContext, tally: Tally | null): void {
  const parsed = parseLine(raw, ctx);
  if (parsed.kind === 'send') {
    if (tally) tally.sendRecords += 1;
    batch.sends.push({ lineNo, raw, row: parsed.row, deliveryStatus: null });
  } else if (parsed.kind === 'reports') {
    if (tally) tally.reports += parsed.rows.length;
    batch.reportLines.push({ lineNo, raw });
    for (const row of parsed.rows) batch.reports.push({ lineNo, row });
  } else {
    batch.rejections.push({ file: batch.file, lineNo, reason: parsed.reason, raw });
    tally?.reject(batch.file, lineNo, parsed.reason);
  }
}

export async function hasOpenRejections(client: pg.PoolClient, file: string): Promise<boolean> {
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
  let parser: ChunkParser | null = null;
  try {
    await prepareStaging(client);
    const ctx = await loadContext(client, options.storeMessageText);
    for (const source of sources) {
      const file = source.name === 'stdin' ? 'stdin' : path.resolve(source.name);
      const resolveEarlier = await hasOpenRejections(client, file);
      const unitLines = options.batchLines ?? DEFAULT_BATCH_LINES;
      tally.files += 1;
      const chunkLines = Math.min(MAX_CHUNK_LINES, unitLines);
      const onWorker =
        file === 'stdin' ? null : parseFileOnWorker(ctx, source.name, chunkLines, CHUNKS_IN_FLIGHT);
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
      );
      if (onWorker) {
        for await (const held of onWorker) {
          const before = tally.linesRead;
          tally.linesRead += held.chunk.lineNos.length;
          if (options.onProgress && Math.floor(before / 100_000) < Math.floor(tally.linesRead / 100_000))
            options.onProgress(tally.linesRead);
          await loader.add(held);
        }
      } else {
        for await (const { lineNo, text } of readLines(await source.open())) {
          tally.linesRead += 1;
          if (options.onProgress && tally.linesRead % 100_000 === 0) options.onProgress(tally.linesRead);
          await loader.line(lineNo, text);
        }
      }
      await loader.finish();
    }
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
    const ctx = await loadContext(client, options.storeMessageText);
    const cursor = reader.query(
      new Cursor<{ file: string; line_no: number; raw: string }>(
        'select file, line_no, raw from rejected_lines where resolved_at is null order by file, line_no',
      ),
    );
    let batch: Batch | null = null;
    for (;;) {
      const rows = await cursor.read(5000);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (batch === null || row.file !== batch.file || batchSize(batch) >= STAGED_BATCH_LINES) {
          if (batch !== null) tally.add(await loadBatch(client, batch, true));
          if (batch === null || row.file !== batch.file) tally.files += 1;
          batch = newBatch(row.file);
        }
        tally.linesRead += 1;
        stageLine(batch, row.line_no, row.raw, ctx, tally);
      }
    }
    if (batch !== null && batchSize(batch) > 0) tally.add(await loadBatch(client, batch, true));
    await cursor.close();
    return tally.summary();
  } finally {
    reader.release();
    client.release();
  }
}
