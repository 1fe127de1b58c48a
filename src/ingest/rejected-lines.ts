import type pg from 'pg';
import { redactLine } from './redact-line.ts';

// Issue 17: rejected lines hold OTP texts. Closed ones ('loaded', 'discarded', 'expired') keep only a length and
// a hash of the text; open ones are closed as 'expired' after TAGIH_REJECTED_RETENTION_DAYS.

export interface OpenRejectedLine {
  readonly id: number;
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly fixable: boolean;
}

export interface PurgeReport {
  readonly days: number;
  readonly lines: number;
  readonly files: ReadonlyArray<{ readonly file: string; readonly lines: number; readonly fixable: number }>;
}

const REDACT_CHUNK = 1000;

/** Replaces the text of every closed line not yet redacted (a run cut off before this step is caught up next time). */
export async function redactClosedLines(client: pg.PoolClient | pg.Pool): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await client.query<{ id: string; raw: string }>(
      `select id, raw from rejected_lines where resolved_at is not null and redacted_at is null order by id limit ${REDACT_CHUNK}`,
    );
    if (rows.rows.length === 0) return done;
    const redacted = rows.rows.map((r) => redactLine(r.raw));
    await client.query(
      `update rejected_lines r set raw = a.raw, message_length = a.len, message_sha256 = a.sha, redacted_at = now()
       from unnest($1::bigint[], $2::text[], $3::int[], $4::text[]) as a(id, raw, len, sha)
       where r.id = a.id`,
      [
        rows.rows.map((r) => r.id),
        redacted.map((r) => r.raw),
        redacted.map((r) => r.messageLength),
        redacted.map((r) => r.messageSha256),
      ],
    );
    done += rows.rows.length;
  }
}

/** Closes the open lines rejected more than `days` days before `now` as 'expired', and says which they were. */
export async function purgeExpiredLines(pool: pg.Pool, days: number, now: Date): Promise<PurgeReport> {
  const closed = await pool.query<{ file: string; lines: string; fixable: string }>(
    `with expired as (
       update rejected_lines set resolved_at = $1, closed_as = 'expired',
         close_note = 'open longer than ' || $2::int || ' days (TAGIH_REJECTED_RETENTION_DAYS)'
       where resolved_at is null and rejected_at < $1::timestamptz - make_interval(days => $2::int)
       returning file, fixable
     )
     select file, count(*) as lines, count(*) filter (where fixable) as fixable from expired group by file order by file`,
    [now, days],
  );
  await redactClosedLines(pool);
  const files = closed.rows.map((r) => ({
    file: r.file,
    lines: Number(r.lines),
    fixable: Number(r.fixable),
  }));
  return { days, lines: files.reduce((n, f) => n + f.lines, 0), files };
}

export type DiscardWhat = { readonly ids: ReadonlyArray<number> } | { readonly allUnfixable: true };

/**
 * Closes open lines that can never load as 'discarded', with finance's reason; all or nothing: an id that is not
 * an open rejected line refuses the whole request. Returns the lines closed.
 */
export async function discardRejected(
  pool: pg.Pool,
  what: DiscardWhat,
  reason: string,
): Promise<ReadonlyArray<OpenRejectedLine>> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const closed = await client.query<{
      id: string;
      file: string;
      line_no: number;
      reason: string;
      fixable: boolean;
    }>(
      `update rejected_lines set resolved_at = now(), closed_as = 'discarded', close_note = $3
       where resolved_at is null and (case when $1 then not fixable else id = any($2::bigint[]) end)
       returning id, file, line_no, reason, fixable`,
      ['allUnfixable' in what, 'ids' in what ? what.ids : [], reason],
    );
    if ('ids' in what) {
      const found = new Set(closed.rows.map((r) => Number(r.id)));
      const missing = what.ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        await client.query('rollback');
        throw new DiscardRefused(missing);
      }
    }
    await client.query('commit');
    await redactClosedLines(client);
    return closed.rows.map(toOpenLine).sort((a, b) => a.id - b.id);
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Ids given to --discard that are not open rejected lines. */
export class DiscardRefused extends Error {
  override readonly name = 'DiscardRefused';
  constructor(readonly ids: ReadonlyArray<number>) {
    super(`not open rejected lines: ${ids.join(', ')}`);
  }
}

function toOpenLine(r: { id: string; file: string; line_no: number; reason: string; fixable: boolean }) {
  return { id: Number(r.id), file: r.file, line: r.line_no, reason: r.reason, fixable: r.fixable };
}

/** The open rejected lines, fixable ones first, then by file and line; at most `limit`, with the totals. */
export async function openRejectedLines(
  pool: pg.Pool,
  limit: number,
): Promise<{
  readonly fixable: number;
  readonly unfixable: number;
  readonly lines: ReadonlyArray<OpenRejectedLine>;
}> {
  const totals = await pool.query<{ fixable: string; unfixable: string }>(
    `select count(*) filter (where fixable) as fixable, count(*) filter (where not fixable) as unfixable
     from rejected_lines where resolved_at is null`,
  );
  const rows = await pool.query<{
    id: string;
    file: string;
    line_no: number;
    reason: string;
    fixable: boolean;
  }>(
    `select id, file, line_no, reason, fixable from rejected_lines where resolved_at is null
     order by fixable desc, file, line_no limit $1`,
    [limit],
  );
  return {
    fixable: Number(totals.rows[0]?.fixable ?? 0),
    unfixable: Number(totals.rows[0]?.unfixable ?? 0),
    lines: rows.rows.map(toOpenLine),
  };
}

/** The ids of open rejected lines by file and line number, to name them in a run's report. */
export async function rejectedLineIds(
  pool: pg.Pool,
  lines: ReadonlyArray<{ readonly file: string; readonly line: number }>,
): Promise<ReadonlyMap<string, number>> {
  if (lines.length === 0) return new Map();
  const rows = await pool.query<{ id: string; file: string; line_no: number }>(
    `select r.id, r.file, r.line_no from rejected_lines r
     join unnest($1::text[], $2::int[]) as a(file, line_no) on a.file = r.file and a.line_no = r.line_no
     where r.resolved_at is null`,
    [lines.map((l) => l.file), lines.map((l) => l.line)],
  );
  return new Map(rows.rows.map((r) => [`${r.file}:${r.line_no}`, Number(r.id)]));
}
