import type pg from 'pg';
import { monthOf, parseYearMonth, type YearMonth } from '../domain/period.ts';

/** Columns of a messages row as archived and restored (the generated `billable` is computed again). */
export const ARCHIVE_COLUMNS =
  'sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid, ingested_at';

/** 'messages_2026_10' for '2026-10' (a checked month: safe to put in SQL). */
export function partitionName(month: YearMonth): string {
  if (parseYearMonth(month) === null)
    throw new RangeError(`Month '${month}' is not valid; expected YYYY-MM.`);
  return `messages_${month.replace('-', '_')}`;
}

/** The month `k` months after `month`. */
export function addMonths(month: YearMonth, k: number): YearMonth {
  const { year, month: m } = parseYearMonth(month)!;
  const index = year * 12 + (m - 1) + k;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * R1: makes sure the partitions of this WIB month and the `ahead` next ones exist, so rows never wait in the
 * default partition; rows of a month that did wait there move into it. Returns the partitions it created.
 */
export async function ensurePartitions(pool: pg.Pool, now: Date, ahead = 2): Promise<string[]> {
  const created: string[] = [];
  for (let k = 0; k <= ahead; k++) {
    const month = addMonths(monthOf(now), k);
    const r = await pool.query<{ created: boolean }>(
      'select ensure_messages_partition($1::date) as created',
      [`${month}-01`],
    );
    if (r.rows[0]!.created) created.push(partitionName(month));
  }
  return created;
}

/** Months of the monthly partitions there are, oldest first. */
export async function partitionMonths(pool: pg.Pool | pg.PoolClient): Promise<YearMonth[]> {
  const r = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'messages'::regclass and c.relname ~ '^messages_[0-9]{4}_[0-9]{2}$' order by 1`,
  );
  return r.rows.map((row) => row.name.slice('messages_'.length).replace('_', '-'));
}

/** Rows waiting in the default partition (a month without a partition of its own), per WIB month. */
export async function defaultPartitionRows(
  pool: pg.Pool,
): Promise<ReadonlyArray<{ month: string; rows: number }>> {
  const r = await pool.query<{ month: string; rows: number }>(
    `select to_char(sent_at at time zone 'Asia/Jakarta', 'YYYY-MM') as month, count(*)::bigint as rows
     from messages_default group by 1 order by 1`,
  );
  return r.rows;
}
