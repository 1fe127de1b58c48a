import type pg from 'pg';
import { hasOpenRejections, loadContext } from './ingest-log.ts';
import { type Batch, ingestSettings, loadBatchIn, newBatch, prepareStaging } from './load-batch.ts';
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

function batchesOf(lines: ReadonlyArray<LineInput>, ctx: Awaited<ReturnType<typeof loadContext>>): Batch[] {
  const bySource = new Map<string, Batch>();
  for (const { source, lineNo, text } of lines) {
    let batch = bySource.get(source);
    if (!batch) bySource.set(source, (batch = newBatch(source)));
    const parsed = parseLine(text, ctx);
    if (parsed.kind === 'send')
      batch.sends.push({ lineNo, raw: text, row: parsed.row, deliveryStatus: null });
    else if (parsed.kind === 'reports') {
      batch.reportLines.push({ lineNo, raw: text });
      for (const row of parsed.rows) batch.reports.push({ lineNo, row });
    } else batch.rejections.push({ file: source, lineNo, reason: parsed.reason, raw: text });
  }
  return [...bySource.values()];
}

/**
 * Loads lines already read in ONE transaction (all or nothing) and says what became of each: loaded, a duplicate
 * of a line loaded before (R2), a delivery report, or rejected with its reason (kept in the rejected log, as the
 * ingest does). For callers that receive lines themselves, e.g. an HTTP API; files go through ingestLogs.
 */
export async function loadLines(
  pool: pg.Pool,
  lines: ReadonlyArray<LineInput>,
  options: { readonly storeMessageText: boolean },
): Promise<LineOutcome[]> {
  const client = await pool.connect();
  try {
    await prepareStaging(client);
    const batches = batchesOf(lines, await loadContext(client, options.storeMessageText));
    for (let attempt = 1; ; attempt++) {
      await client.query('begin');
      try {
        await ingestSettings(client);
        const outcomes = new Map<string, LineOutcome>();
        for (const batch of batches) {
          const result = await loadBatchIn(client, batch, await hasOpenRejections(client, batch.file));
          const key = (lineNo: number) => `${lineNo}\0${batch.file}`;
          const duplicate = new Set(result.duplicateLines);
          for (const s of batch.sends)
            outcomes.set(key(s.lineNo), {
              source: batch.file,
              lineNo: s.lineNo,
              outcome: duplicate.has(s.lineNo) ? 'duplicate' : 'loaded',
            });
          for (const r of batch.reportLines)
            outcomes.set(key(r.lineNo), { source: batch.file, lineNo: r.lineNo, outcome: 'report' });
          for (const r of [...batch.rejections, ...result.conflicts])
            outcomes.set(key(r.lineNo), {
              source: batch.file,
              lineNo: r.lineNo,
              outcome: 'rejected',
              reason: r.reason,
            });
        }
        await client.query('commit');
        return lines.map((l) => outcomes.get(`${l.lineNo}\0${l.source}`)!);
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
