// npm run bench -- ingest --messages 1000000
// npm run bench -- month --messages 1000000 --customers 1000
// npm run bench -- api --lines 50000 --crossings 25
// Runs on a database of its own (tagih_bench, recreated) on the configured server or the embedded default.
import { spawnSync } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { to as copyTo } from 'pg-copy-streams';
import { computeInvoices } from '../src/billing/invoicing/compute-invoices.ts';
import { writeMonthFiles } from '../src/billing/invoicing/invoice-files.ts';
import { runInvoiceMonth } from '../src/billing/invoicing/invoice-month.ts';
import { recordTopup } from '../src/billing/prepaid/top-up.ts';
import { loadConfig } from '../src/config.ts';
import { saveCustomers } from '../src/customers/save-customers.ts';
import { createDb, type Database, openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { detailCopySql } from '../src/documents/detail-csv.ts';
import { firstDayOf, periodOf } from '../src/domain/period.ts';
import { ingestLogs } from '../src/ingest/ingest-log.ts';
import { logSource } from '../src/ingest/read-lines.ts';

const MONTH = '2026-10';
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const peakRss = () => process.resourceUsage().maxRSS; // kB

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  console.log(`  ${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(8)} s`);
  return { value, ms };
}

/** A fresh tagih_bench database on the configured server; the returned Database closes the server too. */
async function benchDatabase(): Promise<Database> {
  const config = loadConfig();
  const server = await openDatabase(config);
  const admin = await server.pool.connect();
  await admin.query('drop database if exists tagih_bench with (force)');
  await admin.query('create database tagih_bench');
  admin.release();
  const url = new URL(
    (server.pool as unknown as { options: { connectionString: string } }).options.connectionString,
  );
  url.pathname = '/tagih_bench';
  const { db, pool } = createDb(url.toString(), 8);
  await migrateToLatest(db);
  return {
    db,
    pool,
    safeUrl: `tagih_bench on ${server.safeUrl}`,
    close: async () => {
      await db.destroy();
      await server.close();
    },
  };
}

async function addCustomers(database: Database, count: number): Promise<string[]> {
  const codes = Array.from({ length: count }, (_, i) => `C${String(i + 1).padStart(5, '0')}`);
  await saveCustomers(
    database.db,
    codes.map((code, i) => ({
      row: i + 2,
      customer: {
        code,
        name: `PT Pelanggan ${code}`,
        emails: [`${code.toLowerCase()}@example.id`],
        deposit: 10_000_000 + i * 1000,
        address: 'Jl. Contoh 1, Jakarta',
        npwp: null,
        paperInvoice: false,
        quotaOverride: null,
      },
    })),
    '2026-09-01',
    'bench',
  );
  return codes;
}

/** R15: turns the bench customers prepaid, each with a balance that outlasts the log. */
async function makePrepaid(database: Database, codes: ReadonlyArray<string>): Promise<void> {
  await database.pool.query(`update customers set billing = 'prepaid'`);
  await database.pool.query(
    `insert into prepaid_accounts (customer_id, price_per_part) select id, 350 from customers`,
  );
  for (const code of codes) {
    await recordTopup(database.db, { customerCode: code, amount: 1_000_000_000, date: '2026-10-01' });
  }
}

/** Generates the log in a child process, so this process's peak RSS is the ingest's and the run's alone. */
async function generate(messages: number, customers: ReadonlyArray<string>): Promise<string> {
  const file = path.join(tmpdir(), `tagih-bench-${messages}-${customers.length}.jsonl`);
  const t0 = performance.now();
  const spec = { file, month: MONTH, customers, messages, seed: 7, firstSendingId: 1, badLines: false };
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./generate-log.ts', import.meta.url)), JSON.stringify(spec)],
    { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error('generating the log failed');
  const { lines } = JSON.parse(child.stdout.toString()) as { lines: number };
  console.log(
    `  generated ${lines} lines (${Math.round((await stat(file)).size / 1e6)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s in a child process (not timed below)`,
  );
  return file;
}

async function benchIngest(database: Database, file: string, messages: number): Promise<void> {
  const { value, ms } = await timed('ingest', () =>
    ingestLogs(database.pool, [logSource(file)], { storeMessageText: false }),
  );
  console.log(
    `  ${value.messagesLoaded} messages, ${value.reportsApplied + value.reportsWaiting} reports, ${value.rejected} rejected; PostgreSQL busy ${(value.databaseMs / 1000).toFixed(2)} s of it`,
  );
  console.log(
    `  => ${Math.round(messages / (ms / 1000)).toLocaleString('en')} messages/s (${Math.round(value.linesRead / (ms / 1000)).toLocaleString('en')} lines/s), peak RSS ${mb(peakRss())}`,
  );
}

const program = new Command('bench');
program
  .command('ingest')
  .option('--messages <n>', 'messages in the generated log', '1000000')
  .option('--customers <n>', 'customers', '100')
  .option('--prepaid', 'R15: every customer prepaid with a top-up, so every message is charged in the ingest')
  .action(async (o: { messages: string; customers: string; prepaid?: boolean }) => {
    const database = await benchDatabase();
    try {
      const codes = await addCustomers(database, Number(o.customers));
      if (o.prepaid) await makePrepaid(database, codes);
      const file = await generate(Number(o.messages), codes);
      await benchIngest(database, file, Number(o.messages));
      await rm(file);
    } finally {
      await database.close();
    }
  });

program
  .command('month')
  .option('--messages <n>', 'messages in the month', '1000000')
  .option('--customers <n>', 'customers (Zipf-sized)', '1000')
  .action(async (o: { messages: string; customers: string }) => {
    const database = await benchDatabase();
    const outDir = path.join(tmpdir(), `tagih-bench-out-${process.pid}`);
    try {
      const codes = await addCustomers(database, Number(o.customers));
      const file = await generate(Number(o.messages), codes);
      await benchIngest(database, file, Number(o.messages));
      await rm(file);
      await database.pool.query('vacuum analyze messages');
      const { start, endExclusive } = periodOf(MONTH);
      console.log('floor:');
      const floorGroup = await timed('bare GROUP BY over the month', () =>
        database.pool.query(
          `select customer_id, product, operator, count(*) filter (where billable), sum(parts) filter (where billable)
          from messages where sent_at >= $1 and sent_at < $2 group by 1, 2, 3`,
          [start, endExclusive],
        ),
      );
      const client = await database.pool.connect();
      const bareSql = detailCopySql({
        customerId: 0,
        start,
        endExclusive,
        snapshot: null,
        prices: [{ product: 'whatsapp_otp', operator: 'telkomsel', unitPrice: 300 }],
      }).replace(/where m\.customer_id = 0\s+and/, 'where');
      const floorCopy = await timed('bare COPY of all detail rows', () =>
        pipeline(client.query(copyTo(bareSql)), new Writable({ write: (_c, _e, cb) => cb() })),
      );
      client.release();
      console.log('month close:');
      const aggregation = await timed('aggregation + invariant checks', () =>
        computeInvoices(database.db, {
          periodStart: firstDayOf(MONTH),
          start,
          endExclusive,
          invoiceDate: '2026-11-01',
        }),
      );
      const config = { ...loadConfig(), outDir };
      const close = await timed('whole run (issue + files)', () =>
        runInvoiceMonth(database, config, {
          month: MONTH,
          issueDate: '2026-11-01',
          dryRun: false,
          actor: 'bench',
          holdMail: false,
          now: new Date('2026-11-27T00:00:00Z'),
        }),
      );
      const folder = path.join(outDir, MONTH);
      // Each stage alone: remove one kind of file and let the run write it again.
      const files = await readdir(folder);
      await Promise.all(files.filter((f) => f.includes('-detail.csv')).map((f) => rm(path.join(folder, f))));
      const detailOnly = await timed('detail export alone (1000 COPYs)', () =>
        writeMonthFiles(database, config, MONTH),
      );
      await Promise.all(files.filter((f) => f.endsWith('.pdf')).map((f) => rm(path.join(folder, f))));
      const pdfOnly = await timed('PDF rendering alone', () => writeMonthFiles(database, config, MONTH));
      const n = close.value.issued.length;
      console.log(
        `  issued ${n} invoices; ${(pdfOnly.ms / Math.max(1, n)).toFixed(1)} ms per PDF (data, render, write)`,
      );
      const floor = floorGroup.ms + floorCopy.ms + n * 20;
      console.log(
        `\n  month close ${(close.ms / 1000).toFixed(2)} s vs floor ${(floor / 1000).toFixed(2)} s (GROUP BY + COPY + 20 ms/PDF): ${(close.ms / floor).toFixed(2)}×`,
      );
      console.log(
        `  detail export ${(detailOnly.ms / floorCopy.ms).toFixed(2)}× bare COPY; aggregation ${(aggregation.ms / floorGroup.ms).toFixed(2)}× bare GROUP BY`,
      );
      console.log(`  peak RSS ${mb(peakRss())}`);
    } finally {
      await rm(outDir, { recursive: true, force: true });
      await database.close();
    }
  });

program
  .command('api')
  .option('--lines <n>', 'lines for the file ingest and for the API each', '50000')
  .option('--crossings <n>', 'quota crossings to time', '25')
  .action(async (o: { lines: string; crossings: string }) => {
    // issue 13: the HTTP API (scripts/bench-api.ts)
    const { benchApi } = await import('./bench-api.ts');
    await benchApi({ lines: Number(o.lines), crossings: Number(o.crossings) });
  });

await program.parseAsync();
