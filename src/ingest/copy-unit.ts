import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { reconcilePrepaidCharges } from '../billing/prepaid/reconcile-charges.ts';
import {
  loadEarlyReports,
  loadReports,
  recordRejections,
  resolveLines,
  type StagedRejection,
} from './load-batch.ts';
import {
  type LineChunk,
  MESSAGE_COPY_COLUMNS,
  NOW_MARK,
  type ParsedChunk,
  type SentRows,
  splitChunk,
  XID_MARK,
} from './parse-chunk.ts';
import type { ReportRow } from './parse-line.ts';

type ReportList = Array<{ lineNo: number; row: ReportRow }>;

export interface HeldChunk {
  readonly chunk: LineChunk;
  readonly parsed: ParsedChunk;
}

export interface UnitResult {
  readonly loaded: number;
  readonly sendRecords: number;
  readonly reports: number;
  readonly reportsApplied: number;
  readonly reportsWaiting: number;
  readonly rejections: ReadonlyArray<StagedRejection>;
  /** Sends loaded with a warning (an odd send time, R1). */
  readonly warnings: ReadonlyArray<{ readonly lineNo: number; readonly reason: string }>;
  /** Customers whose send records the unit held or whose stored records its reports changed (issue 13: quota re-check). */
  readonly customerIds: ReadonlySet<number>;
}

// R2: reports that waited for a record this unit loaded are merged into it (the older report first).
const APPLY_WAITING_REPORTS = `
  with applied as (
    delete from pending_reports p using sending_ids k where k.sending_id = p.sending_id
    returning p.sending_id, p.delivery_status, k.customer_id, k.sent_at
  ), updated as (
    update messages m set delivery_status = merge_delivery_status(a.delivery_status, m.delivery_status),
      delivery_updated_at = now(), delivery_xid = pg_current_xact_id()
    from applied a
    where m.customer_id = a.customer_id and m.sent_at = a.sent_at and m.sending_id = a.sending_id
    returning m.customer_id, m.sent_at
  ), dirty as (
    insert into daily_usage_dirty (customer_id, day)
    select distinct customer_id, (sent_at at time zone 'Asia/Jakarta')::date from updated
    on conflict (customer_id, day) do update set day = excluded.day
  )
  select count(*)::bigint as n, coalesce(array_agg(sending_id), '{}') as ids from applied`;

/**
 * One unit of work of the common case, a log seen for the first time: its chunks stream into messages through
 * one COPY in one transaction. The database keeps it idempotent (R2): the trigger on messages registers every
 * sendingid in sending_ids, so a sendingid loaded before fails the COPY (unique violation) and the unit is
 * rolled back whole; the caller then loads it through the staged path, which sorts duplicates from conflicts.
 * `staged` says so before any work is wasted when the first chunk already holds a known id or a repeated one.
 */
export class CopyUnit {
  readonly held: HeldChunk[] = [];
  lines = 0;
  staged = false;
  private copy: ReturnType<typeof copyFrom> | null = null;
  private copyFailure: Error | null = null;
  private copyFinished: Promise<void> | null = null;
  private xid = '';
  private now = '';

  constructor(
    private readonly client: pg.PoolClient,
    private readonly file: string,
    private readonly resolveEarlier: boolean,
  ) {}

  async add(held: HeldChunk): Promise<void> {
    // The COPY text is not kept once sent: the staged path, if needed, parses the raw lines again.
    this.held.push({ chunk: held.chunk, parsed: { ...held.parsed, copy: '' } });
    this.lines += held.chunk.lineNos.length;
    if (this.staged) return;
    if (held.parsed.repeated) return this.giveUp();
    if (this.copy === null) await this.open(held.parsed);
    if (this.staged || held.parsed.copy === '') return;
    const data = held.parsed.copy.replaceAll(XID_MARK, this.xid).replaceAll(NOW_MARK, this.now);
    if (!this.copy!.write(data) && !this.copyFailure) {
      await Promise.race([once(this.copy!, 'drain'), this.copyFinished]);
    }
  }

  private async open(first: ParsedChunk): Promise<void> {
    await this.client.query('begin; set local enable_seqscan = off; set local jit = off');
    const r = await this.client.query<{ xid: string; now: string; seen: boolean }>(
      `select pg_current_xact_id()::text as xid, now()::text as now,
        exists (select 1 from sending_ids where sending_id = any($1::bigint[])) as seen`,
      [first.sendingIds],
    );
    if (r.rows[0]!.seen) return this.giveUp();
    this.xid = r.rows[0]!.xid;
    this.now = r.rows[0]!.now;
    this.copy = this.client.query(copyFrom(`copy messages (${MESSAGE_COPY_COLUMNS}) from stdin`));
    this.copyFinished = finished(this.copy).catch((error: Error) => {
      this.copyFailure = error;
    });
  }

  /** The staged path will load this unit: what was sent so far is rolled back. */
  private async giveUp(): Promise<void> {
    this.staged = true;
    if (this.copy) {
      this.copy.end();
      await this.copyFinished;
    }
    await this.client.query('rollback');
  }

  /** Ends the COPY and commits the unit; null when it must be loaded through the staged path instead. */
  async finish(): Promise<UnitResult | null> {
    if (this.staged) return null;
    if (this.copy === null) {
      await this.client.query('begin; set local enable_seqscan = off; set local jit = off');
    } else {
      this.copy.end();
      await this.copyFinished;
    }
    if (this.copyFailure) {
      await this.client.query('rollback');
      if ((this.copyFailure as { code?: string }).code === '23505') {
        this.staged = true;
        return null;
      }
      throw this.copyFailure;
    }
    try {
      const result = await this.afterCopy();
      await this.client.query('commit');
      return result;
    } catch (error) {
      await this.client.query('rollback').catch(() => {});
      throw error;
    }
  }

  private async afterCopy(): Promise<UnitResult> {
    const marks = new Set<string>();
    const rejections: StagedRejection[] = [];
    const warnings: Array<{ lineNo: number; reason: string }> = [];
    let loaded = 0;
    let sendRecords = 0;
    let reportCount = 0;
    let reportsApplied = 0;
    for (const { chunk, parsed } of this.held) {
      for (const m of parsed.marks) marks.add(m);
      loaded += parsed.sends;
      sendRecords += parsed.sendLines;
      reportCount += parsed.reportCount;
      reportsApplied += parsed.reportsMerged;
      for (const { index, reason } of parsed.warnings)
        warnings.push({ lineNo: chunk.lineNos[index]!, reason });
      if (parsed.rejections.length > 0) {
        const lines = splitChunk(chunk);
        for (const { index, reason, fixable } of parsed.rejections)
          rejections.push({
            file: this.file,
            lineNo: chunk.lineNos[index]!,
            reason,
            raw: lines[index]!,
            fixable,
          });
      }
    }
    await this.markDirty(marks);
    const { early, later } = this.reportsByOrder();
    // R2: the first final status wins, so statuses fold in the order received: reports waiting from before this
    // unit, then this unit's reports that came before their record's chunk, then the record's own chunk (merged on
    // the parser), then the reports of later chunks. merge_delivery_status is associative, so each step may merge
    // into the stored row from its side.
    reportsApplied += await loadEarlyReports(this.client, early);
    const waiting = await this.client.query<{ n: number; ids: string[] }>(APPLY_WAITING_REPORTS);
    reportsApplied += Number(waiting.rows[0]!.n);
    const merged = await loadReports(this.client, later);
    // R15: prepaid charges and give-backs for the unit's messages, in the unit's own transaction. A record no
    // report of this unit (or one waiting before it) touched is stored exactly as the parser wrote it: it is
    // charged from those values; the others are looked up.
    const written = this.writtenRows();
    if (written === null) await reconcilePrepaidCharges(this.client, this.sendingIdsOfUnit());
    else
      await reconcilePrepaidCharges(this.client, this.reportedIds(waiting.rows[0]!.ids.map(Number)), written);
    await recordRejections(this.client, rejections);
    if (this.resolveEarlier) await this.resolveLoadedLines(rejections);
    return {
      loaded,
      sendRecords,
      reports: reportCount,
      reportsApplied: reportsApplied + merged.applied,
      reportsWaiting: merged.waiting,
      rejections,
      warnings,
      customerIds: new Set([...[...marks].map((m) => Number(m.split('|')[0])), ...merged.customerIds]),
    };
  }

  /** The sendingids of every report of the unit, and of the records that reports waiting from before reached. */
  private reportedIds(waitingApplied: ReadonlyArray<number>): number[] {
    const ids = [...waitingApplied];
    for (const { parsed } of this.held) for (const r of parsed.reports) ids.push(r.row.sendingId);
    return ids;
  }

  /** The unit's records as its COPY wrote them; null when a chunk's parser did not list them. */
  private writtenRows(): SentRows | null {
    const all: SentRows = { ids: [], customers: [], sentAt: [], parts: [], billable: [] };
    for (const { parsed } of this.held) {
      if (parsed.sent === null) return null;
      all.ids.push(...parsed.sent.ids);
      all.customers.push(...parsed.sent.customers);
      all.sentAt.push(...parsed.sent.sentAt);
      all.parts.push(...parsed.sent.parts);
      all.billable.push(...parsed.sent.billable);
    }
    return all;
  }

  /** Every sendingid the unit's records and reports touch. */
  private sendingIdsOfUnit(): number[] {
    const ids: number[] = [];
    for (const { parsed } of this.held) {
      ids.push(...parsed.sendingIds);
      for (const r of parsed.reports) ids.push(r.row.sendingId);
    }
    return ids;
  }

  /** Splits the reports the parser left over: those whose record comes in a later chunk of this unit, and the rest. */
  private reportsByOrder(): { early: ReportList; later: ReportList } {
    const firstChunkOf = new Map<number, number>();
    this.held.forEach(({ parsed }, k) => {
      for (const id of parsed.sendingIds) if (!firstChunkOf.has(id)) firstChunkOf.set(id, k);
    });
    const early: ReportList = [];
    const later: ReportList = [];
    this.held.forEach(({ parsed }, k) => {
      for (const r of parsed.reports) ((firstChunkOf.get(r.row.sendingId) ?? -1) > k ? early : later).push(r);
    });
    return { early, later };
  }

  private async markDirty(marks: ReadonlySet<string>): Promise<void> {
    if (marks.size === 0) return;
    const pairs = [...marks].map((m) => m.split('|'));
    // 'do update', not 'do nothing': it locks an existing mark, so a rollup running now cannot consume the mark
    // before this unit commits and miss its rows (R10).
    await this.client.query(
      `insert into daily_usage_dirty (customer_id, day)
       select * from unnest($1::bigint[], $2::date[])
       on conflict (customer_id, day) do update set day = excluded.day`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  private async resolveLoadedLines(rejections: ReadonlyArray<StagedRejection>): Promise<void> {
    const bad = new Set(rejections.map((r) => r.lineNo));
    const ok: Array<{ lineNo: number; raw: string }> = [];
    for (const { chunk } of this.held) {
      const lines = splitChunk(chunk);
      for (let i = 0; i < lines.length; i++)
        if (!bad.has(chunk.lineNos[i]!)) ok.push({ lineNo: chunk.lineNos[i]!, raw: lines[i]! });
    }
    await resolveLines(this.client, this.file, ok);
  }
}
