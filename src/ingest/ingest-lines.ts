// Issue 13: the ingest's entry point for lines already read (the HTTP API's batches). The same parser (parseLine)
// and the same loader (loadBatch) as the file ingest; the lines of one call are one batch, one transaction.
import type pg from 'pg';
import { loadContext } from './ingest-log.ts';
import { type BatchResult, batchSize, loadBatch, newBatch, prepareStaging } from './load-batch.ts';
import { parseLine } from './parse-line.ts';

export interface LineInput {
  readonly lineNo: number;
  readonly text: string;
}

export type LineOutcome =
  | { readonly line: number; readonly outcome: 'accepted'; readonly sendingid?: number }
  | { readonly line: number; readonly outcome: 'duplicate'; readonly sendingid: number }
  | {
      readonly line: number;
      readonly outcome: 'rejected';
      readonly reason: string;
      readonly sendingid?: number;
    };

export interface LinesResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  /** One outcome per line, in line order. */
  readonly outcomes: ReadonlyArray<LineOutcome>;
  /** Customers whose send records the batch held (for the quota re-check after commit). */
  readonly customerIds: ReadonlySet<number>;
}

const NOTHING: BatchResult = {
  loaded: 0,
  duplicates: 0,
  reportsApplied: 0,
  reportsWaiting: 0,
  conflicts: [],
  duplicateLines: [],
};

/**
 * Loads already-read lines of one source (e.g. 'api:gateway-1') in one unit of work: every line is accepted,
 * a duplicate (same sendingid, same content) or rejected with its reason; rejected lines are kept in
 * rejected_lines under `source` for `npm run ingest -- --replay`, as with a file. All or nothing: on an error the
 * whole batch is rolled back.
 */
export async function ingestLineBatch(
  pool: pg.Pool,
  source: string,
  lines: ReadonlyArray<LineInput>,
  options: { readonly storeMessageText: boolean },
): Promise<LinesResult> {
  const client = await pool.connect();
  try {
    await prepareStaging(client);
    const ctx = await loadContext(client, options.storeMessageText, new Date());
    const batch = newBatch(source);
    const sendingIds = new Map<number, number>();
    const reasons = new Map<number, string>();
    for (const { lineNo, text } of lines) {
      const parsed = parseLine(text, ctx);
      if (parsed.kind === 'send') {
        batch.sends.push({ lineNo, raw: text, row: parsed.row, deliveryStatus: null });
        sendingIds.set(lineNo, parsed.row.sendingId);
      } else if (parsed.kind === 'reports') {
        batch.reportLines.push({ lineNo, raw: text });
        for (const row of parsed.rows) batch.reports.push({ lineNo, row });
      } else {
        batch.rejections.push({
          file: source,
          lineNo,
          reason: parsed.reason,
          raw: text,
          fixable: parsed.fixable,
        });
        reasons.set(lineNo, parsed.reason);
      }
    }
    const result = batchSize(batch) === 0 ? NOTHING : await loadBatch(client, batch, true);
    for (const c of result.conflicts) reasons.set(c.lineNo, c.reason);
    const duplicates = new Set(result.duplicateLines);
    const outcomes = lines.map(({ lineNo }): LineOutcome => {
      const sendingid = sendingIds.get(lineNo);
      const reason = reasons.get(lineNo);
      if (reason !== undefined)
        return sendingid === undefined
          ? { line: lineNo, outcome: 'rejected', reason }
          : { line: lineNo, outcome: 'rejected', reason, sendingid };
      if (sendingid !== undefined && duplicates.has(lineNo))
        return { line: lineNo, outcome: 'duplicate', sendingid };
      return sendingid === undefined
        ? { line: lineNo, outcome: 'accepted' }
        : { line: lineNo, outcome: 'accepted', sendingid };
    });
    return {
      accepted: outcomes.filter((o) => o.outcome === 'accepted').length,
      duplicates: duplicates.size,
      rejected: reasons.size,
      reportsApplied: result.reportsApplied,
      reportsWaiting: result.reportsWaiting,
      outcomes,
      customerIds: new Set(batch.sends.map((s) => s.row.customerId)),
    };
  } finally {
    await client.query('reset enable_seqscan').catch(() => {});
    client.release();
  }
}
