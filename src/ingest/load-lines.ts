import type pg from 'pg';
import type { BatchParser } from './chunk-parser.ts';
import type { ParseContextCache } from './context-cache.ts';
import { CopyUnit } from './copy-unit.ts';
import { hasOpenRejections, loadContext } from './ingest-log.ts';
import { type Batch, ingestSettings, loadBatchIn, newBatch, prepareStaging } from './load-batch.ts';
import { parseChunk } from './parse-chunk.ts';
import { parseLine } from './parse-line.ts';

/** A line already read, e.g. from an HTTP request: its source names it in the rejected log. */
export interface LineInput {
  readonly source: string;
  readonly lineNo: number;
  readonly text: string;
}

export type LineOutcome =
  | { readonly source: string; readonly lineNo: number; readonly outcome: 'loaded' | 'duplicate' | 'report' }
  | {
      readonly source: string;
      readonly lineNo: number;
      readonly outcome: 'rejected';
      readonly reason: string;
    };

/** What one call of loadLineBatch did. */
export interface LoadedLines {
  /** One per input line, in input order. */
  readonly outcomes: ReadonlyArray<LineOutcome>;
  /** The sendingid of each input line that holds a send record (undefined for the others), in input order. */
  readonly sendingIds: ReadonlyArray<number | undefined>;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  /**
   * Customers whose send records the lines held, and those of stored records whose status a report changed
   * (issue 13: the quota re-check after commit; a Reject gives usage back).
   */
  readonly customerIds: ReadonlySet<number>;
}

const key = (source: string, lineNo: number) => `${lineNo}\0${source}`;

function batchesOf(
  lines: ReadonlyArray<LineInput>,
  ctx: Awaited<ReturnType<typeof loadContext>>,
  sendingIds: Map<string, number>,
): Batch[] {
  const bySource = new Map<string, Batch>();
  for (const { source, lineNo, text } of lines) {
    const batch = bySource.get(source) ?? newBatch(source);
    bySource.set(source, batch);
    const parsed = parseLine(text, ctx);
    if (parsed.kind === 'send') {
      batch.sends.push({ lineNo, raw: text, row: parsed.row, deliveryStatus: null });
      sendingIds.set(key(source, lineNo), parsed.row.sendingId);
    } else if (parsed.kind === 'reports') {
      batch.reportLines.push({ lineNo, raw: text });
      for (const row of parsed.rows) batch.reports.push({ lineNo, row });
    } else
      batch.rejections.push({
        file: source,
        lineNo,
        reason: parsed.reason,
        raw: text,
        fixable: parsed.fixable,
      });
  }
  return [...bySource.values()];
}

/** Loads the batches inside the caller's transaction; the outcome of each line by key(source, lineNo). */
async function loadBatchesIn(
  client: pg.PoolClient,
  batches: ReadonlyArray<Batch>,
): Promise<{
  outcomes: Map<string, LineOutcome>;
  reportsApplied: number;
  reportsWaiting: number;
  customerIds: ReadonlySet<number>;
}> {
  const outcomes = new Map<string, LineOutcome>();
  let reportsApplied = 0;
  let reportsWaiting = 0;
  const customerIds = new Set<number>();
  for (const batch of batches) {
    const result = await loadBatchIn(client, batch, await hasOpenRejections(client, batch.file));
    reportsApplied += result.reportsApplied;
    reportsWaiting += result.reportsWaiting;
    for (const s of batch.sends) customerIds.add(s.row.customerId);
    for (const id of result.reportCustomerIds) customerIds.add(id);
    const source = batch.file;
    const duplicate = new Set(result.duplicateLines);
    for (const s of batch.sends)
      outcomes.set(key(source, s.lineNo), {
        source,
        lineNo: s.lineNo,
        outcome: duplicate.has(s.lineNo) ? 'duplicate' : 'loaded',
      });
    for (const r of batch.reportLines)
      outcomes.set(key(source, r.lineNo), { source, lineNo: r.lineNo, outcome: 'report' });
    for (const r of [...batch.rejections, ...result.conflicts])
      outcomes.set(key(source, r.lineNo), {
        source,
        lineNo: r.lineNo,
        outcome: 'rejected',
        reason: r.reason,
      });
  }
  return { outcomes, reportsApplied, reportsWaiting, customerIds };
}

/**
 * Issue 13: the common case, lines none of which was loaded before, as the file ingest loads them: one COPY into
 * messages in one transaction (copy-unit.ts), the database keeping it idempotent. Null when the batch must take the
 * staged path instead (a sendingid seen before or repeated, or one a concurrent load registered first): nothing of
 * it is then committed. The lines are parsed once: the per-line outcomes come from the same parse as the COPY rows.
 */
async function loadByCopy(
  client: pg.PoolClient,
  source: string,
  lines: ReadonlyArray<LineInput>,
  ctx: Awaited<ReturnType<typeof loadContext>>,
  parser: BatchParser | undefined,
): Promise<LoadedLines | null> {
  if (lines.some((l) => l.text.includes('\n'))) return null;
  const chunk = {
    text: lines.map((l) => l.text).join('\n'),
    lineNos: Int32Array.from(lines.map((l) => l.lineNo)),
  };
  const parsed = parser ? await parser.parse(chunk, ctx) : parseChunk(chunk, ctx, 0, { perLine: true });
  const unit = new CopyUnit(client, source, await hasOpenRejections(client, source));
  let result: Awaited<ReturnType<CopyUnit['finish']>>;
  try {
    await unit.add({ chunk, parsed });
    result = await unit.finish();
  } catch (error) {
    // The connection goes back to the pool: never with this batch's transaction still open.
    await client.query('rollback').catch(() => {});
    throw error;
  }
  if (result === null) return null;
  const rejected = new Map(result.rejections.map((r) => [r.lineNo, r.reason]));
  const sendingIds = parsed.lineSendingIds!;
  const outcomes = lines.map((l, i): LineOutcome => {
    const reason = rejected.get(l.lineNo);
    if (reason !== undefined) return { source, lineNo: l.lineNo, outcome: 'rejected', reason };
    return { source, lineNo: l.lineNo, outcome: sendingIds[i] === null ? 'report' : 'loaded' };
  });
  return {
    outcomes,
    sendingIds: sendingIds.map((id) => id ?? undefined),
    reportsApplied: result.reportsApplied,
    reportsWaiting: result.reportsWaiting,
    customerIds: result.customerIds,
  };
}

/**
 * Loads lines already read in ONE transaction (all or nothing) and says what became of each: loaded, a duplicate
 * of a line loaded before (R2), a delivery report, or rejected with its reason (kept in the rejected log, as the
 * ingest does). The one path for callers that receive lines themselves (the HTTP API, issue 13); files go through
 * ingestLogs.
 */
export async function loadLineBatch(
  pool: pg.Pool,
  lines: ReadonlyArray<LineInput>,
  options: {
    readonly storeMessageText: boolean;
    readonly now?: Date;
    /** Parses off this thread (the API server's, createBatchParser); without it, parsed here. */
    readonly parser?: BatchParser;
    /** Keeps the parse context from batch to batch while it stays current (the API server's); without it, read each time. */
    readonly contexts?: ParseContextCache;
  },
): Promise<LoadedLines> {
  const client = await pool.connect();
  try {
    // The staging tables: the staged path's, and the reports step's on either path.
    await prepareStaging(client);
    const now = options.now ?? new Date();
    const ctx = options.contexts
      ? await options.contexts.get(client, options.storeMessageText, now)
      : await loadContext(client, options.storeMessageText, now);
    const source = lines[0]?.source;
    if (source !== undefined && lines.every((l) => l.source === source)) {
      const copied = await loadByCopy(client, source, lines, ctx, options.parser);
      if (copied !== null) return copied;
    }
    // The staged path parses the lines again: it needs each line's full verdict (batchesOf).
    const sendingIds = new Map<string, number>();
    const batches = batchesOf(lines, ctx, sendingIds);
    const perLine = (outcomes: ReadonlyMap<string, LineOutcome>) => ({
      outcomes: lines.map((l) => outcomes.get(key(l.source, l.lineNo))!),
      sendingIds: lines.map((l) => sendingIds.get(key(l.source, l.lineNo))),
    });
    for (let attempt = 1; ; attempt++) {
      await client.query('begin');
      try {
        await ingestSettings(client);
        const loaded = await loadBatchesIn(client, batches);
        await client.query('commit');
        return {
          ...perLine(loaded.outcomes),
          reportsApplied: loaded.reportsApplied,
          reportsWaiting: loaded.reportsWaiting,
          customerIds: loaded.customerIds,
        };
      } catch (error) {
        await client.query('rollback').catch(() => {});
        // R2: a concurrent load registered one of these sendingids first; once committed, they are duplicates.
        if ((error as { code?: string }).code !== '23505' || attempt >= 3) throw error;
      }
    }
  } finally {
    client.release();
  }
}

/** loadLineBatch's per-line outcomes alone. */
export async function loadLines(
  pool: pg.Pool,
  lines: ReadonlyArray<LineInput>,
  options: { readonly storeMessageText: boolean; readonly now?: Date },
): Promise<LineOutcome[]> {
  return [...(await loadLineBatch(pool, lines, options)).outcomes];
}
