import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { reconcilePrepaidCharges } from '../billing/prepaid/reconcile-charges.ts';
import { type DeliveryStatus, isDeliveryStatus, mergeDeliveryStatus } from '../domain/delivery-status.ts';
import { wibDateOf } from '../domain/period.ts';
import type { ReportRow, SendRow } from './parse-line.ts';

export interface StagedRejection {
  readonly file: string;
  readonly lineNo: number;
  readonly reason: string;
  readonly raw: string;
  /** A replay can load it once tagih's data changes (unknown customer or product); otherwise only a fix at the source. */
  readonly fixable: boolean;
}

export interface StagedSend {
  readonly lineNo: number;
  readonly raw: string;
  readonly row: SendRow;
  /** Status from reports of the same batch, merged already (R2); null when none came. */
  deliveryStatus: number | null;
}

export interface Batch {
  readonly file: string;
  readonly sends: Array<StagedSend>;
  readonly reports: Array<{ readonly lineNo: number; readonly row: ReportRow }>;
  /** Lines holding delivery reports (one line may hold several). */
  readonly reportLines: Array<{ readonly lineNo: number; readonly raw: string }>;
  readonly rejections: StagedRejection[];
}

export interface BatchResult {
  readonly loaded: number;
  readonly duplicates: number;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  /** Send records whose sendingid was already used with other content. */
  readonly conflicts: ReadonlyArray<StagedRejection>;
  /** Line numbers of the send records counted in `duplicates` (for per-line answers, issue 13). */
  readonly duplicateLines: ReadonlyArray<number>;
}

export function newBatch(file: string): Batch {
  return { file, sends: [], reports: [], reportLines: [], rejections: [] };
}

export function batchSize(batch: Batch): number {
  return batch.sends.length + batch.reportLines.length + batch.rejections.length;
}

export function rawHash(raw: string): Buffer {
  return createHash('sha256').update(raw).digest().subarray(0, 16);
}

/** COPY text format escaping. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

function sendCopyLines(sends: Batch['sends']): string {
  let out = '';
  for (const { lineNo, row, deliveryStatus } of sends) {
    out += `${lineNo}\t${deliveryStatus ?? '\\N'}\t${row.sendingId}\t${row.customerId}\t${row.product}\t${copyText(row.number)}\t${row.operator}\t${row.sentAt.toISOString()}\t${row.sendingStatus}\t${row.characters}\t${row.billableCharacters}\t${row.parts}\t\\\\x${row.contentHash.toString('hex')}\t${row.messageText === null ? '\\N' : copyText(row.messageText)}\n`;
  }
  return out;
}

async function copyInto(client: pg.PoolClient, table: string, data: string): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(`copy ${table} from stdin`)));
}

/** Creates the session's staging tables (once per connection). */
export async function prepareStaging(client: pg.PoolClient): Promise<void> {
  // Every look-up into messages must be an index probe: during a bulk load the table's statistics lag far behind
  // its size and the planner would otherwise hash-join a full scan of it for every batch (quadratic time).
  await client.query('set enable_seqscan = off');
  await client.query(`
    create temp table if not exists stage_sends (
      line_no integer, delivery_status smallint, sending_id bigint, customer_id bigint, product text, number text, operator text,
      sent_at timestamptz, sending_status smallint, characters integer, billable_characters integer, parts integer,
      content_hash bytea, message_text text
    ) on commit delete rows;
    create temp table if not exists stage_reports (
      line_no integer, sending_id bigint, delivery_status smallint, number text
    ) on commit delete rows;
  `);
}

// R2: per sending id, the first Cancel/Reject of the batch wins; otherwise the furthest forward status.
const COMBINED_REPORTS = `
    select sending_id, coalesce(
      (array_agg(delivery_status order by line_no) filter (where delivery_status in (5, 6)))[1],
      (array_agg(delivery_status order by delivery_status_rank(delivery_status) desc) filter (where delivery_status not in (5, 6)))[1]
    ) as status, count(*) as reports
    from stage_reports group by sending_id`;

// The batch's own reports ride along with the insert, so a record and its report cost one row version, not two;
// the report step afterwards finds nothing left to change for them.
const MERGE_SENDS = `
  with firsts as (
    select distinct on (sending_id) * from stage_sends order by sending_id, line_no
  ), reports as (${COMBINED_REPORTS}
  ), inserted as (
    insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status,
      delivery_status, delivery_updated_at, delivery_xid, characters, billable_characters, parts, content_hash, message_text)
    select f.sending_id, f.customer_id, f.product, f.number, f.operator, f.sent_at, f.sending_status,
      merge_delivery_status(merge_delivery_status(p.delivery_status, r.status), f.delivery_status),
      case when coalesce(p.delivery_status, r.status, f.delivery_status) is not null then now() end,
      case when coalesce(p.delivery_status, r.status, f.delivery_status) is not null then pg_current_xact_id() end,
      f.characters, f.billable_characters, f.parts, f.content_hash, f.message_text
    from firsts f
    left join pending_reports p on p.sending_id = f.sending_id
    left join reports r on r.sending_id = f.sending_id
    on conflict (sending_id) do nothing
    returning sending_id, customer_id, sent_at, delivery_status
  ), reported_existing as (
    -- reports merged in the batch for a record that was already loaded: applied to the stored row
    update messages m set delivery_status = merge_delivery_status(m.delivery_status, f.delivery_status),
      delivery_updated_at = now(), delivery_xid = pg_current_xact_id()
    from firsts f
    where f.delivery_status is not null and m.sending_id = f.sending_id
      and merge_delivery_status(m.delivery_status, f.delivery_status) is distinct from m.delivery_status
    returning m.customer_id, m.sent_at
  ), dirty as (
    -- 'do update', not 'do nothing': it locks an existing mark, so a rollup running now cannot consume the mark
    -- before this batch commits and miss its rows (the rollup skips locked marks and sees them next time).
    insert into daily_usage_dirty (customer_id, day)
    select distinct customer_id, (sent_at at time zone 'Asia/Jakarta')::date
    from (select customer_id, sent_at from inserted union all select customer_id, sent_at from reported_existing) changed
    on conflict (customer_id, day) do update set day = excluded.day
  ), applied as (
    delete from pending_reports p using inserted i where p.sending_id = i.sending_id returning p.sending_id
  )
  , outcomes as (
    select s.line_no,
      case
        when i.sending_id is not null and f.line_no = s.line_no then 'loaded'
        -- a scalar subquery: one index probe per row, never a scan of the whole table
        when coalesce((select m.content_hash from messages m where m.sending_id = s.sending_id), f.content_hash) = s.content_hash
          then 'duplicate'
        else 'conflict'
      end as outcome
    from stage_sends s
    join firsts f on f.sending_id = s.sending_id
    left join inserted i on i.sending_id = s.sending_id
  )
  select null::integer as line_no, 'loaded' as outcome, count(*)::bigint as n, (select count(*) from applied)::bigint as reports_applied
  from outcomes where outcome = 'loaded'
  union all
  select line_no, outcome, 1, 0 from outcomes where outcome <> 'loaded'
`;

const MERGE_REPORTS = `
  with combined as (${COMBINED_REPORTS}
  ), updated as (
    update messages m set delivery_status = merge_delivery_status(m.delivery_status, c.status), delivery_updated_at = now(),
      delivery_xid = pg_current_xact_id()
    from combined c
    where m.sending_id = c.sending_id and merge_delivery_status(m.delivery_status, c.status) is distinct from m.delivery_status
    returning m.customer_id, m.sent_at
  ), dirty as (
    insert into daily_usage_dirty (customer_id, day)
    select distinct customer_id, (sent_at at time zone 'Asia/Jakarta')::date from updated
    on conflict (customer_id, day) do update set day = excluded.day
  ), waiting as (
    insert into pending_reports (sending_id, delivery_status)
    select c.sending_id, c.status from combined c
    where not exists (select 1 from messages m where m.sending_id = c.sending_id)
    on conflict (sending_id) do update
      set delivery_status = merge_delivery_status(pending_reports.delivery_status, excluded.delivery_status), received_at = now()
    returning sending_id
  )
  select
    coalesce((select sum(c.reports) from combined c where exists (select 1 from messages m where m.sending_id = c.sending_id)), 0)::bigint as applied,
    coalesce((select sum(c.reports) from combined c where c.sending_id in (select sending_id from waiting)), 0)::bigint as waiting
`;

async function recordRejections(
  client: pg.PoolClient,
  rejections: ReadonlyArray<StagedRejection>,
): Promise<void> {
  if (rejections.length === 0) return;
  await client.query(
    // The same line rejected again is open again, with its text back (a closed line keeps only a hash of it); one
    // that finance discarded stays closed.
    `insert into rejected_lines (file, line_no, reason, raw, raw_hash, fixable)
     select * from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bytea[], $6::boolean[])
     on conflict (file, line_no, raw_hash) do update set reason = excluded.reason, raw = excluded.raw,
       fixable = excluded.fixable, resolved_at = null, rejected_at = now(), closed_as = null, close_note = null,
       message_length = null, message_sha256 = null, redacted_at = null
     where rejected_lines.closed_as is distinct from 'discarded'`,
    [
      rejections.map((r) => r.file),
      rejections.map((r) => r.lineNo),
      rejections.map((r) => r.reason),
      rejections.map((r) => r.raw),
      rejections.map((r) => rawHash(r.raw)),
      rejections.map((r) => r.fixable),
    ],
  );
}

/**
 * The common case — a log seen for the first time — without staging: when no sending id of the batch is stored
 * yet (one index probe each) and none repeats within it, the batch's own early reports and the waiting reports
 * are merged here and the rows are COPYed straight into messages. Anything else (a rerun, a replay, a repeated id,
 * or a concurrent load of the same ids) takes the staged path, which sorts out duplicates and conflicts.
 * Returns null when the batch must take the staged path.
 */
async function loadNewSendsDirectly(
  client: pg.PoolClient,
  batch: Batch,
): Promise<{ readonly loaded: number; readonly reportsApplied: number } | null> {
  const ids = batch.sends.map((s) => s.row.sendingId);
  const bySendingId = new Map(batch.sends.map((s) => [s.row.sendingId, s]));
  if (bySendingId.size !== ids.length) return null;
  const stored = await client.query('select 1 from messages where sending_id = any($1::bigint[]) limit 1', [
    ids,
  ]);
  if ((stored.rowCount ?? 0) > 0) return null;

  // R2: the first final status wins, so statuses are folded in the order they were received: the reports that
  // waited for these records, then the batch's reports that came before their record, then those after it (which
  // the parser has merged into the record already).
  const after = new Map(batch.sends.map((s) => [s.row.sendingId, s.deliveryStatus]));
  await client.query('savepoint direct');
  try {
    let reportsApplied = 0;
    for (const s of batch.sends) s.deliveryStatus = null;
    const waiting = await client.query<{ sending_id: number; delivery_status: number }>(
      'delete from pending_reports where sending_id = any($1::bigint[]) returning sending_id, delivery_status',
      [ids],
    );
    for (const w of waiting.rows) bySendingId.get(Number(w.sending_id))!.deliveryStatus = w.delivery_status;
    reportsApplied += waiting.rowCount ?? 0;
    const rest: Batch['reports'] = [];
    for (const report of batch.reports) {
      const send = bySendingId.get(report.row.sendingId);
      if (send) {
        send.deliveryStatus = mergeStatus(send.deliveryStatus, report.row.deliveryStatus);
        reportsApplied += 1;
      } else rest.push(report);
    }
    for (const send of batch.sends) {
      const later = after.get(send.row.sendingId) ?? null;
      if (later !== null) send.deliveryStatus = mergeStatus(send.deliveryStatus, later);
    }
    const xid = (await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid')).rows[0]!
      .xid;
    const now = new Date().toISOString();
    let data = '';
    const days = new Set<string>();
    for (const { row, deliveryStatus } of batch.sends) {
      const reported = deliveryStatus !== null;
      data += `${row.sendingId}\t${row.customerId}\t${row.product}\t${copyText(row.number)}\t${row.operator}\t${row.sentAt.toISOString()}\t${row.sendingStatus}\t${reported ? deliveryStatus : '\\N'}\t${reported ? now : '\\N'}\t${reported ? xid : '\\N'}\t${row.characters}\t${row.billableCharacters}\t${row.parts}\t\\\\x${row.contentHash.toString('hex')}\t${row.messageText === null ? '\\N' : copyText(row.messageText)}\n`;
      days.add(`${row.customerId}|${wibDateOf(row.sentAt)}`);
    }
    await copyInto(
      client,
      `messages (sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status,
        delivery_updated_at, delivery_xid, characters, billable_characters, parts, content_hash, message_text)`,
      data,
    );
    const marks = [...days].map((d) => d.split('|'));
    await client.query(
      `insert into daily_usage_dirty (customer_id, day)
       select * from unnest($1::bigint[], $2::date[])
       on conflict (customer_id, day) do update set day = excluded.day`,
      [marks.map((m) => m[0]), marks.map((m) => m[1])],
    );
    await client.query('release savepoint direct');
    batch.reports.splice(0, batch.reports.length, ...rest);
    return { loaded: batch.sends.length, reportsApplied };
  } catch (error) {
    // Someone loaded one of these ids meanwhile: the staged path sorts it out.
    if ((error as { code?: string }).code !== '23505') throw error;
    await client.query('rollback to savepoint direct');
    for (const s of batch.sends) s.deliveryStatus = after.get(s.row.sendingId) ?? null;
    return null;
  }
}

function mergeStatus(current: number | null, incoming: number): number {
  return isDeliveryStatus(incoming)
    ? mergeDeliveryStatus(current as DeliveryStatus | null, incoming)
    : (current ?? incoming);
}

/** The sending ids a batch loaded or reported on: what its prepaid charges may have to follow (R15). */
function sendingIdsOf(batch: Batch): number[] {
  return [...batch.sends, ...batch.reports].map((s) => s.row.sendingId);
}

const CONFLICT_REASON =
  'sendingid already loaded with other content (customer, number, message, sent_at, status or product differ); fix the line or its sendingid and replay';

/** Loads one batch in one transaction: sends, then reports, then the rejected lines. */
export async function loadBatch(
  client: pg.PoolClient,
  batch: Batch,
  resolveEarlier: boolean,
): Promise<BatchResult> {
  await client.query('begin');
  try {
    let loaded = 0;
    let duplicates = 0;
    let reportsApplied = 0;
    let reportsWaiting = 0;
    const conflictLines = new Set<number>();
    const duplicateLines: number[] = [];
    const fast = batch.sends.length > 0 ? await loadNewSendsDirectly(client, batch) : null;
    if (fast) {
      loaded = fast.loaded;
      reportsApplied += fast.reportsApplied;
    }
    if (batch.reports.length > 0) {
      let data = '';
      for (const { lineNo, row } of batch.reports) {
        data += `${lineNo}\t${row.sendingId}\t${row.deliveryStatus}\t${row.number === null ? '\\N' : copyText(row.number)}\n`;
      }
      await copyInto(client, 'stage_reports', data);
    }
    if (batch.sends.length > 0 && !fast) {
      await copyInto(client, 'stage_sends', sendCopyLines(batch.sends));
      const result = await client.query<{
        line_no: number;
        outcome: string;
        n: number;
        reports_applied: number;
      }>(MERGE_SENDS);
      for (const r of result.rows) {
        if (r.outcome === 'loaded') {
          loaded += r.n;
          reportsApplied += r.reports_applied;
        } else if (r.outcome === 'duplicate') {
          duplicates += 1;
          duplicateLines.push(r.line_no);
        } else conflictLines.add(r.line_no);
      }
    }
    if (batch.reports.length > 0) {
      const result = await client.query<{ applied: number; waiting: number }>(MERGE_REPORTS);
      reportsApplied += result.rows[0]?.applied ?? 0;
      reportsWaiting += result.rows[0]?.waiting ?? 0;
    }
    await reconcilePrepaidCharges(client, sendingIdsOf(batch)); // R15: after the unit's messages and reports
    const conflicts: StagedRejection[] = batch.sends
      .filter((s) => conflictLines.has(s.lineNo))
      .map((s) => ({
        file: batch.file,
        lineNo: s.lineNo,
        raw: s.raw,
        reason: CONFLICT_REASON,
        fixable: false,
      }));
    await recordRejections(client, [...batch.rejections, ...conflicts]);
    if (resolveEarlier) {
      const ok = [...batch.sends.filter((s) => !conflictLines.has(s.lineNo)), ...batch.reportLines];
      await client.query(
        `update rejected_lines r set resolved_at = now(), closed_as = 'loaded'
         from unnest($2::int[], $3::bytea[]) as a(line_no, raw_hash)
         where r.file = $1 and r.line_no = a.line_no and r.raw_hash = a.raw_hash and r.resolved_at is null`,
        [batch.file, ok.map((a) => a.lineNo), ok.map((a) => rawHash(a.raw))],
      );
    }
    await client.query('commit');
    return { loaded, duplicates, reportsApplied, reportsWaiting, conflicts, duplicateLines };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}
