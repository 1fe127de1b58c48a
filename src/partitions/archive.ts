import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { monthOf, periodOf, type YearMonth } from '../domain/period.ts';
import { ARCHIVE_COLUMNS, partitionMonths, partitionName } from './partitions.ts';

/** Refused before anything changed: the message says why and what to do. */
export class ArchiveRefused extends Error {
  override readonly name = 'ArchiveRefused';
}

export interface ArchivedMonth {
  readonly month: YearMonth;
  readonly file: string;
  readonly rows: number;
  readonly sha256: string;
}

const FILE_NAME = /^messages-(\d{4}-\d{2})\.csv\.gz$/;

/** Why a month may not be archived yet, or null. R7/R12: its invoices must all be settled first. */
async function blockerOf(client: pg.PoolClient, month: YearMonth): Promise<string | null> {
  const open = await client.query<{ n: number }>(
    `select count(*)::bigint as n from invoices where period = $1::date and status in ('issued', 'partially_paid')`,
    [`${month}-01`],
  );
  if (open.rows[0]!.n > 0)
    return `${month} has ${open.rows[0]!.n} open invoice(s); they must be paid or settled first`;
  const uninvoiced = await client.query<{ n: number }>(
    `select count(distinct m.customer_id)::bigint as n from ${partitionName(month)} m
     where m.billable and not exists (select 1 from invoices i where i.customer_id = m.customer_id
       and i.period = $1::date and i.status <> 'void')`,
    [`${month}-01`],
  );
  if (uninvoiced.rows[0]!.n > 0)
    return `${month} has billable messages of ${uninvoiced.rows[0]!.n} customer(s) not invoiced yet (npm run invoice -- --month ${month})`;
  return null;
}

/** Streams a month's rows out as gzipped CSV into `file` (via a temporary name); returns the sha256 of the file. */
async function exportMonth(client: pg.PoolClient, month: YearMonth, file: string): Promise<string> {
  const hash = createHash('sha256');
  const tmp = `${file}.partial`;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const sql = `copy (select ${ARCHIVE_COLUMNS} from ${partitionName(month)} order by sent_at, sending_id) to stdout with (format csv, header true)`;
  try {
    await pipeline(client.query(copyTo(sql)), createGzip(), tap, createWriteStream(tmp));
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return hash.digest('hex');
}

/** Reads the archive back: its sha256 and its data rows, so nothing is detached that could not be restored. */
async function readBack(file: string): Promise<{ sha256: string; rows: number }> {
  const hash = createHash('sha256');
  let newlines = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const count = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines += 1;
      cb();
    },
  });
  await pipeline(createReadStream(file), tap, createGunzip(), count);
  // A quoted field may hold a newline (a stored message text): count rows only where texts are not stored.
  return { sha256: hash.digest('hex'), rows: newlines - 1 };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Archives every monthly partition before `before`: exports it to `dir/messages-YYYY-MM.csv.gz` with a
 * `.sha256` beside it, checks the file reads back whole, then detaches and drops the partition, one month per
 * transaction. Refuses (changing nothing) when any of those months still has open or missing invoices. The
 * sendingids stay in sending_ids, so a replayed old log is still seen as duplicates (R2).
 */
export async function archiveBefore(
  pool: pg.Pool,
  before: YearMonth,
  dir: string,
  now: Date,
): Promise<ArchivedMonth[]> {
  if (before > monthOf(now))
    throw new ArchiveRefused(
      `--before ${before} is after this month (${monthOf(now)}): only past months can be archived.`,
    );
  const client = await pool.connect();
  try {
    const months = (await partitionMonths(client)).filter((m) => m < before);
    const blockers = (await Promise.all(months.map((m) => blockerOf(client, m)))).filter((b) => b !== null);
    if (blockers.length > 0) throw new ArchiveRefused(`Nothing archived: ${blockers.join('; ')}.`);
    const taken = months.map((m) => path.join(dir, `messages-${m}.csv.gz`)).filter((f) => existsSync(f));
    if (taken.length > 0)
      throw new ArchiveRefused(`Nothing archived: ${taken.join(', ')} exists already; move it away first.`);
    await mkdir(dir, { recursive: true });
    const done: ArchivedMonth[] = [];
    for (const month of months) done.push(await archiveMonth(client, month, dir));
    return done;
  } finally {
    client.release();
  }
}

async function archiveMonth(client: pg.PoolClient, month: YearMonth, dir: string): Promise<ArchivedMonth> {
  const file = path.join(dir, `messages-${month}.csv.gz`);
  await client.query('begin');
  try {
    // No late report may change the month while it is written out; it waits and then finds no row.
    await client.query(`lock table ${partitionName(month)} in share mode`);
    const sha256 = await exportMonth(client, month, file);
    const rows = (
      await client.query<{ n: number }>(`select count(*)::bigint as n from ${partitionName(month)}`)
    ).rows[0]!.n;
    const back = await readBack(file);
    if (back.sha256 !== sha256 || (back.rows !== rows && !(await storesTexts(client, month))))
      throw new Error(
        `the archive ${file} did not read back whole (${back.rows} of ${rows} rows); nothing was detached`,
      );
    await writeFile(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
    await client.query(`alter table messages detach partition ${partitionName(month)}`);
    await client.query(`drop table ${partitionName(month)}`);
    await client.query('commit');
    return { month, file, rows, sha256 };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    await rm(file, { force: true });
    await rm(`${file}.sha256`, { force: true });
    throw error;
  }
}

async function storesTexts(client: pg.PoolClient, month: YearMonth): Promise<boolean> {
  const r = await client.query(
    `select 1 from ${partitionName(month)} where message_text is not null limit 1`,
  );
  return (r.rowCount ?? 0) > 0;
}

/** Brings an archived month back from its file (checked against its .sha256) as a partition again. */
export async function restoreArchive(pool: pg.Pool, file: string): Promise<ArchivedMonth> {
  const match = FILE_NAME.exec(path.basename(file));
  if (!match)
    throw new ArchiveRefused(`${file} is not an archive of tagih (expected messages-YYYY-MM.csv.gz).`);
  const month = match[1]!;
  const sums = await readFile(`${file}.sha256`, 'utf8').catch(() => null);
  if (sums === null)
    throw new ArchiveRefused(`${file}.sha256 is missing: keep the checksum beside the archive.`);
  const sha256 = await sha256Of(file);
  if (sums.split(/\s+/)[0] !== sha256)
    throw new ArchiveRefused(
      `${file} does not match its checksum in ${file}.sha256: the file is damaged; nothing restored.`,
    );
  const client = await pool.connect();
  try {
    if ((await partitionMonths(client)).includes(month))
      throw new ArchiveRefused(
        `${month} is in the database already (partition ${partitionName(month)}); nothing restored.`,
      );
    await client.query('begin');
    const rows = await restoreInto(client, month, file);
    await client.query('commit');
    return { month, file, rows, sha256 };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function restoreInto(client: pg.PoolClient, month: YearMonth, file: string): Promise<number> {
  const name = partitionName(month);
  const { start, endExclusive } = periodOf(month);
  const range = `sent_at >= '${start.toISOString()}' and sent_at < '${endExclusive.toISOString()}'`;
  await client.query(
    `create table ${name} (like messages including defaults including constraints including generated)`,
  );
  await pipeline(
    createReadStream(file),
    createGunzip(),
    client.query(copyFrom(`copy ${name} (${ARCHIVE_COLUMNS}) from stdin with (format csv, header true)`)),
  );
  // Rows of the month that arrived while it was archived waited in the default partition: they join it.
  await client.query(
    `insert into ${name} (${ARCHIVE_COLUMNS}) select ${ARCHIVE_COLUMNS} from messages_default where ${range}`,
  );
  await client.query(`delete from messages_default where ${range}`);
  await client.query(
    `insert into sending_ids (sending_id, customer_id, sent_at) select sending_id, customer_id, sent_at from ${name}
     on conflict (sending_id) do nothing`,
  );
  // The bounds are checked against every row: a file of another month cannot slip in.
  await client.query(
    `alter table messages attach partition ${name} for values from ('${start.toISOString()}') to ('${endExclusive.toISOString()}')`,
  );
  return (await client.query<{ n: number }>(`select count(*)::bigint as n from ${name}`)).rows[0]!.n;
}
