// Issue 13: the HTTP API's batches, answered per line. The database work is loadLines' (issue 16): the same parser
// and the same loader as the file ingest, the lines of one call in one transaction; this file only shapes the answer.
import type pg from 'pg';
import type { BatchParser } from './chunk-parser.ts';
import type { ParseContextCache } from './context-cache.ts';
import { loadLineBatch } from './load-lines.ts';

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
  options: {
    readonly storeMessageText: boolean;
    readonly parser?: BatchParser;
    readonly contexts?: ParseContextCache;
  },
): Promise<LinesResult> {
  const loaded = await loadLineBatch(
    pool,
    lines.map((l) => ({ source, lineNo: l.lineNo, text: l.text })),
    options,
  );
  const outcomes = loaded.outcomes.map((o, i): LineOutcome => {
    const sendingid = loaded.sendingIds[i];
    const id = sendingid === undefined ? {} : { sendingid };
    if (o.outcome === 'rejected') return { line: o.lineNo, outcome: 'rejected', reason: o.reason, ...id };
    if (o.outcome === 'duplicate' && sendingid !== undefined)
      return { line: o.lineNo, outcome: 'duplicate', sendingid };
    return { line: o.lineNo, outcome: 'accepted', ...id };
  });
  return {
    accepted: outcomes.filter((o) => o.outcome === 'accepted').length,
    duplicates: outcomes.filter((o) => o.outcome === 'duplicate').length,
    rejected: outcomes.filter((o) => o.outcome === 'rejected').length,
    reportsApplied: loaded.reportsApplied,
    reportsWaiting: loaded.reportsWaiting,
    outcomes,
    customerIds: loaded.customerIds,
  };
}
