import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { reconcilePrepaidCharges } from '../billing/prepaid/reconcile-charges.ts';
import { copyText } from './parse-chunk.ts';
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
  /** Line numbers of the duplicate send records (the same line loaded before; per-line answers, issue 13). */
  readonly duplicateLines: ReadonlyArray<number>;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  /** Send records whose sendingid was already used with other content. */
  readonly conflicts: ReadonlyArray<StagedRejection>;
  /** Customers of stored records whose status a report changed (issue 13: a Reject gives usage back, R2). */
  readonly reportCustomerIds: ReadonlySet<number>;
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

function sendCopyLines(sends: Batch['sends']): string {
  let out = '';
  for (const { lineNo, row, deliveryStatus } of sends) {
    out += `${lineNo}\t${deliveryStatus ?? '\\N'}\t${row.sendingId}\t${row.customerId}\t${row.product}\t${copyText(row.number)}\t${row.operator}\t${row.sentAt.toISOString()}\t${row.sendingStatus}\t${row.characters}\t${row.billableCharacters}\t${row.parts}\t\\\\x${row.contentHash.toString('hex')}\t${row.messageText === null ? '\\N' : copyText(row.messageText)}\n`;
  }
  return out;
}

export async function copyInto(client: pg.PoolClient, table: string, data: string): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(`copy ${table} from stdin`)));
}

/** Connections whose session has the staging tables already (the HTTP API asks once per batch). */
const staged = new WeakSet<pg.PoolClient>();

/**
 * Creates the session's staging tables (once per connection; emptied after each batch). Called outside any
 * transaction, so a rollback can never take the tables back after they are remembered here.
 */
export async function prepareStaging(client: pg.PoolClient): Promise<void> {
  if (staged.has(client)) return;
  await client.query(`
    create temp table if not exists stage_sends (
      line_no integer, delivery_status smallint, sending_id bigint, customer_id bigint, product text, number text, operator text,
      sent_at timestamptz, sending_status smallint, characters integer, billable_characters integer, parts integer,
      content_hash bytea, message_text text
    );
    create temp table if not exists stage_reports (
      line_no integer, sending_id bigint, delivery_status smallint, number text
    );
  `);
  staged.add(client);
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
    -- R2: the trigger on messages registers each new id in sending_ids, whose primary key refuses a second one
    where not exists (select 1 from sending_ids k where k.sending_id = f.sending_id)
    returning sending_id, customer_id, sent_at, delivery_status
  ), reported_existing as (
    -- reports merged in the batch for a record that was already loaded: applied to the stored row
    update messages m set delivery_status = merge_delivery_status(m.delivery_status, f.delivery_status),
      delivery_updated_at = now(), delivery_xid = pg_current_xact_id()
    from firsts f join sending_ids k on k.sending_id = f.sending_id
    where f.delivery_status is not null
      and m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = f.sending_id
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
        when coalesce((select m.content_hash from sending_ids k join messages m
            on m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = k.sending_id
            where k.sending_id = s.sending_id), f.content_hash) = s.content_hash
          then 'duplicate'
        else 'conflict'
      end as outcome
    from stage_sends s
    join firsts f on f.sending_id = s.sending_id
    left join inserted i on i.sending_id = s.sending_id
  )
  select null::integer as line_no, 'loaded' as outcome, count(*)::bigint as n, (select count(*) from applied)::bigint as reports_applied,
    (select coalesce(json_agg(distinct customer_id), '[]'::json) from reported_existing) as report_customers
  from outcomes where outcome = 'loaded'
  union all
  select line_no, outcome, 1, 0, null from outcomes where outcome <> 'loaded'
`;

const MERGE_REPORTS = `
  with combined as (${COMBINED_REPORTS}
  ), updated as (
    update messages m set delivery_status = merge_delivery_status(m.delivery_status, c.status), delivery_updated_at = now(),
      delivery_xid = pg_current_xact_id()
    from combined c join sending_ids k on k.sending_id = c.sending_id
    where m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = c.sending_id
      and merge_delivery_status(m.delivery_status, c.status) is distinct from m.delivery_status
    returning m.customer_id, m.sent_at
  ), dirty as (
    insert into daily_usage_dirty (customer_id, day)
    select distinct customer_id, (sent_at at time zone 'Asia/Jakarta')::date from updated
    on conflict (customer_id, day) do update set day = excluded.day
  ), waiting as (
    insert into pending_reports (sending_id, delivery_status)
    select c.sending_id, c.status from combined c
    where not exists (select 1 from sending_ids k where k.sending_id = c.sending_id)
    on conflict (sending_id) do update
      set delivery_status = merge_delivery_status(pending_reports.delivery_status, excluded.delivery_status), received_at = now()
    returning sending_id
  )
  select
    coalesce((select sum(c.reports) from combined c where exists (select 1 from sending_ids k where k.sending_id = c.sending_id)), 0)::bigint as applied,
    coalesce((select sum(c.reports) from combined c where c.sending_id in (select sending_id from waiting)), 0)::bigint as waiting,
    (select coalesce(json_agg(distinct customer_id), '[]'::json) from updated) as customers
`;

export async function recordRejections(
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

function sendingIdsOf(batch: Batch): number[] {
  return [...batch.sends, ...batch.reports].map((s) => s.row.sendingId);
}

const CONFLICT_REASON =
  'sendingid already loaded with other content (customer, number, message, sent_at, status or product differ); fix the line or its sendingid and replay';

async function stageReports(client: pg.PoolClient, reports: Batch['reports']): Promise<void> {
  let data = '';
  for (const { lineNo, row } of reports) {
    data += `${lineNo}\t${row.sendingId}\t${row.deliveryStatus}\t${row.number === null ? '\\N' : copyText(row.number)}\n`;
  }
  await copyInto(client, 'stage_reports', data);
}

/** What a merge of staged reports did; `customerIds`: those of stored records whose status changed. */
export interface ReportsMerged {
  readonly applied: number;
  readonly waiting: number;
  readonly customerIds: ReadonlyArray<number>;
}

async function mergeStagedReports(client: pg.PoolClient): Promise<ReportsMerged> {
  const result = await client.query<{ applied: number; waiting: number; customers: number[] }>(MERGE_REPORTS);
  const row = result.rows[0];
  return { applied: row?.applied ?? 0, waiting: row?.waiting ?? 0, customerIds: row?.customers ?? [] };
}

/** R2: applies reports (in line order) to their stored records; those whose record is not loaded yet wait. */
export async function loadReports(client: pg.PoolClient, reports: Batch['reports']): Promise<ReportsMerged> {
  if (reports.length === 0) return { applied: 0, waiting: 0, customerIds: [] };
  await stageReports(client, reports);
  const result = await mergeStagedReports(client);
  await client.query('truncate stage_reports');
  return result;
}

// R2: reports received before their record, applied under the record's own status (theirs came first).
const MERGE_EARLY_REPORTS = `
  with combined as (${COMBINED_REPORTS}
  ), updated as (
    update messages m set delivery_status = merge_delivery_status(c.status, m.delivery_status), delivery_updated_at = now(),
      delivery_xid = pg_current_xact_id()
    from combined c join sending_ids k on k.sending_id = c.sending_id
    where m.customer_id = k.customer_id and m.sent_at = k.sent_at and m.sending_id = c.sending_id
      and merge_delivery_status(c.status, m.delivery_status) is distinct from m.delivery_status
    returning m.customer_id, m.sent_at
  ), dirty as (
    insert into daily_usage_dirty (customer_id, day)
    select distinct customer_id, (sent_at at time zone 'Asia/Jakarta')::date from updated
    on conflict (customer_id, day) do update set day = excluded.day
  )
  select coalesce(sum(c.reports), 0)::bigint as applied from combined c`;

/** R2: applies reports received before their record (which this transaction loaded) under its status; the count. */
export async function loadEarlyReports(client: pg.PoolClient, reports: Batch['reports']): Promise<number> {
  if (reports.length === 0) return 0;
  await stageReports(client, reports);
  const result = await client.query<{ applied: number }>(MERGE_EARLY_REPORTS);
  await client.query('truncate stage_reports');
  return Number(result.rows[0]?.applied ?? 0);
}

/** Settings of an ingest transaction (`set local`: they end with it, whoever gets the connection next). */
export async function ingestSettings(client: pg.PoolClient): Promise<void> {
  // Every look-up into messages and sending_ids must be an index probe: during a bulk load their statistics lag far
  // behind their size and the planner would otherwise hash-join a full scan for every batch (quadratic time).
  // JIT off: that setting raises the estimated costs so far that a stock PostgreSQL (jit = on, as a user's own
  // server given by DATABASE_URL has it) JIT-compiled a 1 ms merge in every batch, about 1.1 s each (STACK.md).
  await client.query('set local enable_seqscan = off; set local jit = off');
}

/**
 * Loads one batch inside the caller's transaction: sends (R2: a sendingid already loaded is a duplicate when its
 * content is the same, a conflict when not), then reports, then the rejected lines.
 */
export async function loadBatchIn(
  client: pg.PoolClient,
  batch: Batch,
  resolveEarlier: boolean,
): Promise<BatchResult> {
  let loaded = 0;
  let reportsApplied = 0;
  let reportsWaiting = 0;
  const duplicateLines: number[] = [];
  const conflictLines = new Set<number>();
  const reportCustomerIds = new Set<number>();
  if (batch.reports.length > 0) await stageReports(client, batch.reports);
  if (batch.sends.length > 0) {
    await copyInto(client, 'stage_sends', sendCopyLines(batch.sends));
    const result = await client.query<{
      line_no: number;
      outcome: string;
      n: number;
      reports_applied: number;
      report_customers: number[] | null;
    }>(MERGE_SENDS);
    for (const r of result.rows) {
      if (r.outcome === 'loaded') {
        loaded += r.n;
        reportsApplied += r.reports_applied;
        for (const id of r.report_customers ?? []) reportCustomerIds.add(id);
      } else if (r.outcome === 'duplicate') duplicateLines.push(r.line_no);
      else conflictLines.add(r.line_no);
    }
  }
  if (batch.reports.length > 0) {
    const result = await mergeStagedReports(client);
    reportsApplied += result.applied;
    reportsWaiting += result.waiting;
    for (const id of result.customerIds) reportCustomerIds.add(id);
  }
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
    await resolveLines(client, batch.file, ok);
  }
  await reconcilePrepaidCharges(client, sendingIdsOf(batch)); // R15: after the unit's messages and reports
  await client.query('truncate stage_sends, stage_reports');
  return {
    loaded,
    duplicates: duplicateLines.length,
    duplicateLines,
    reportsApplied,
    reportsWaiting,
    conflicts,
    reportCustomerIds,
  };
}

/** Marks earlier rejections of these lines (same file, line and text) resolved: they loaded now. */
export async function resolveLines(
  client: pg.PoolClient,
  file: string,
  ok: ReadonlyArray<{ readonly lineNo: number; readonly raw: string }>,
): Promise<void> {
  if (ok.length === 0) return;
  await client.query(
    `update rejected_lines r set resolved_at = now(), closed_as = 'loaded'
     from unnest($2::int[], $3::bytea[]) as a(line_no, raw_hash)
     where r.file = $1 and r.line_no = a.line_no and r.raw_hash = a.raw_hash and r.resolved_at is null`,
    [file, ok.map((a) => a.lineNo), ok.map((a) => rawHash(a.raw))],
  );
}

/** Loads one batch in one transaction of its own. */
export async function loadBatch(
  client: pg.PoolClient,
  batch: Batch,
  resolveEarlier: boolean,
): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    await client.query('begin');
    try {
      await ingestSettings(client);
      const result = await loadBatchIn(client, batch, resolveEarlier);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      // R2: another load registered one of these sendingids between our check and our insert; once it has
      // committed, this batch sees those lines as duplicates (or conflicts).
      if ((error as { code?: string }).code !== '23505' || attempt >= 3) throw error;
    }
  }
}
