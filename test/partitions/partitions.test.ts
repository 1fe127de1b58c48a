import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Migrator } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { ArchiveRefused, archiveBefore, restoreArchive } from '../../src/partitions/archive.ts';
import { defaultPartitionRows, ensurePartitions, partitionMonths } from '../../src/partitions/partitions.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, ingestLines, sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

// Every column of every message, in a fixed order: equal fingerprints mean no row was lost, doubled or changed.
const FINGERPRINT = `select count(*)::int as n, md5(coalesce(string_agg(
  concat_ws('|', sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status,
    characters, billable_characters, parts, billable, content_hash, message_text, delivery_updated_at, ingest_xid,
    delivery_xid, ingested_at), ',' order by sending_id), '')) as md5 from messages`;

async function fingerprint(pool: pg.Pool): Promise<{ n: number; md5: string }> {
  return (await pool.query(FINGERPRINT)).rows[0];
}

describe('issue 16: the partition migration moves existing messages without loss', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createEmptyDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  it('R1/R2: rows of four months land in their WIB month, sendingids stay unique, nothing is lost', async () => {
    const { db, pool } = t;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
    const before = await migrator.migrateTo('2026-11-27-03-invoice-parts-per-day');
    expect(before.error).toBeUndefined();
    await pool.query(`insert into customers (code, name, emails) values ('ACME', 'PT Acme', '{a@acme.id}')`);
    // 1 000 messages over four months, with the WIB month edge: 2026-09-30T17:00Z is 1 October 00:00 WIB.
    await pool.query(`
      insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status,
        characters, billable_characters, parts, content_hash, delivery_xid)
      select g, 1, 'whatsapp_otp', '6281234567890', 'telkomsel',
        case g % 4 when 0 then timestamptz '2026-09-30T16:59:59Z' when 1 then timestamptz '2026-09-30T17:00:00Z'
          when 2 then timestamptz '2026-11-15T05:00:00Z' else timestamptz '2025-01-31T16:59:59Z' end,
        10, case when g % 3 = 0 then 5 end, 20, 20, 1, decode(lpad(to_hex(g), 16, '0'), 'hex'),
        case when g % 3 = 0 then pg_current_xact_id() end
      from generate_series(1, 1000) g`);
    const old = await fingerprint(pool);
    await migrateToLatest(db);
    expect(await fingerprint(pool)).toEqual(old);
    const months = await partitionMonths(pool);
    for (const m of ['2025-01', '2026-09', '2026-10', '2026-11']) expect(months).toContain(m);
    const where = await pool.query<{ part: string; n: number }>(
      'select tableoid::regclass::text as part, count(*)::int as n from messages group by 1 order by 1',
    );
    expect(where.rows).toEqual([
      { part: 'messages_2025_01', n: 250 },
      { part: 'messages_2026_09', n: 250 },
      { part: 'messages_2026_10', n: 250 },
      { part: 'messages_2026_11', n: 250 },
    ]);
    expect((await pool.query('select count(*)::int as n from sending_ids')).rows[0].n).toBe(1000);
    // R2: the same sendingid again, even in another month, is refused by the database.
    await expect(
      pool.query(`insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status,
        characters, billable_characters, parts, content_hash)
        values (7, 1, 'whatsapp_otp', '6281234567890', 'telkomsel', '2026-10-10T00:00:00Z', 10, 1, 1, 1, '\\x00')`),
    ).rejects.toThrow(/sending_ids_pkey/);
  });
});

describe('issue 16: default partition, partitions ahead, archive and restore', () => {
  let t: TestDatabase;
  let out: string;
  const lines = Array.from({ length: 40 }, (_, i) =>
    sendLine({
      customer: 'ACME',
      sendingid: 5000 + i,
      sent_at: `2026-09-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+07:00`,
    }),
  );
  beforeAll(async () => {
    t = await createTestDatabase();
    out = await tempDir('tagih-archive-');
    await addCustomers(t.db, ['ACME']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R1: a row of a month without a partition is kept in the default partition and moves into its month', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'ACME', sendingid: 9001, sent_at: '2031-03-01T00:30:00+07:00' }),
    ]);
    expect(await defaultPartitionRows(t.pool)).toEqual([{ month: '2031-03', rows: 1 }]);
    const created = await ensurePartitions(t.pool, new Date('2031-02-10T00:00:00Z'), 1);
    expect(created).toEqual(['messages_2031_02', 'messages_2031_03']);
    expect(await defaultPartitionRows(t.pool)).toEqual([]);
    const r = await t.pool.query(
      'select tableoid::regclass::text as part from messages where sending_id = 9001',
    );
    expect(r.rows[0].part).toBe('messages_2031_03');
    expect(await ensurePartitions(t.pool, new Date('2031-02-10T00:00:00Z'), 1)).toEqual([]);
  });

  it('refuses to archive a month not invoiced yet, or whose invoice is still open, and changes nothing', async () => {
    await t.pool.query(`select ensure_messages_partition('2026-09-01')`);
    expect((await ingestLines(t.pool, lines)).messagesLoaded).toBe(40);
    const before = await fingerprint(t.pool);
    const now = new Date('2026-11-20T00:00:00Z');
    await expect(archiveBefore(t.pool, '2026-10', out, now)).rejects.toThrow(
      /2026-09 has billable messages of 1 customer\(s\) not invoiced yet/,
    );
    const database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
    const config = { ...loadConfig({}), outDir: await tempDir('tagih-out-') };
    await runInvoiceMonth(database, config, {
      month: '2026-09',
      issueDate: '2026-10-01',
      dryRun: false,
      actor: 'test',
      holdMail: false,
      now: new Date('2026-10-01T03:00:00Z'),
    });
    await expect(archiveBefore(t.pool, '2026-10', out, now)).rejects.toThrow(ArchiveRefused);
    await expect(archiveBefore(t.pool, '2026-10', out, now)).rejects.toThrow(/2026-09 has 1 open invoice/);
    await expect(archiveBefore(t.pool, '2027-01', out, now)).rejects.toThrow(/only past months/);
    expect(await fingerprint(t.pool)).toEqual(before);
    expect(existsSync(path.join(out, 'messages-2026-09.csv.gz'))).toBe(false);
  });

  it('R2: archives a settled month to gzipped CSV with its sha256, and restores it exactly', async () => {
    await t.pool.query(
      `update invoices set paid_amount = total, status = 'paid' where period = '2026-09-01'`,
    );
    const before = await fingerprint(t.pool);
    const archived = await archiveBefore(t.pool, '2026-10', out, new Date('2026-11-20T00:00:00Z'));
    expect(archived.map((a) => [a.month, a.rows])).toEqual([['2026-09', 40]]);
    const file = archived[0]!.file;
    expect(await readFile(`${file}.sha256`, 'utf8')).toBe(
      `${archived[0]!.sha256}  messages-2026-09.csv.gz\n`,
    );
    expect(await partitionMonths(t.pool)).not.toContain('2026-09');
    expect((await fingerprint(t.pool)).n).toBe(before.n - 40);
    // R2: the sendingids stay known: the archived month's log loaded again is all duplicates.
    const again = await ingestLines(t.pool, lines);
    expect(again).toMatchObject({ messagesLoaded: 0, duplicates: 40 });

    const restored = await restoreArchive(t.pool, file);
    expect(restored).toMatchObject({ month: '2026-09', rows: 40 });
    expect(await fingerprint(t.pool)).toEqual(before);
    await expect(restoreArchive(t.pool, file)).rejects.toThrow(/2026-09 is in the database already/);
  });

  it('refuses to restore a damaged archive', async () => {
    const file = path.join(out, 'messages-2026-09.csv.gz');
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    const damaged = path.join(await tempDir('tagih-damaged-'), 'messages-2026-09.csv.gz');
    await writeFile(damaged, bytes);
    await writeFile(`${damaged}.sha256`, await readFile(`${file}.sha256`));
    await expect(restoreArchive(t.pool, damaged)).rejects.toThrow(/does not match its checksum/);
  });
});

describe('issue 16: npm run archive', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  it('says what is wrong and what to do, without a stack trace', async () => {
    const env = { DATABASE_URL: t.url };
    const neither = await runCli('archive', [], env);
    expect(neither).toMatchObject({ code: 1, stderr: 'Give either --before YYYY-MM or --restore FILE.\n' });
    const future = await runCli('archive', ['--before', '2999-01'], env);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(
      /^--before 2999-01 is after this month \(\d{4}-\d{2}\): only past months can be archived\.\n$/,
    );
    const missing = await runCli('archive', ['--restore', '/nonexistent/messages-2026-01.csv.gz'], env);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'No such file: /nonexistent/messages-2026-01.csv.gz. Nothing was restored.\n',
    });
  });
});
