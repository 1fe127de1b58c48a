// npm run bench -- ingest --messages 1000000 [--database-url postgresql://…/postgres]
// npm run bench -- month --messages 1000000 --customers 1000 [--database-url …]
// npm run bench -- api --lines 50000 --crossings 25
//
// Every stage is printed beside its floor, measured in the same run on the same server: what PostgreSQL (or pdfkit)
// needs at the very least for the same work, so the ratio says how much tagih adds. Runs on a database of its own
// (tagih_bench, recreated) on --database-url's server (e.g. a stock PostgreSQL 15), else on DATABASE_URL's, else on
// the embedded default. The stages that are tagih's own code run in a child process each, so the peak RSS shown
// is that stage's alone (worker threads included: they share the process).
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { computeInvoices } from '../src/billing/invoicing/compute-invoices.ts';
import { writeMonthFiles } from '../src/billing/invoicing/invoice-files.ts';
import { runInvoiceMonth } from '../src/billing/invoicing/invoice-month.ts';
import { recordTopup } from '../src/billing/prepaid/top-up.ts';
import { loadConfig } from '../src/config.ts';
import { saveCustomers } from '../src/customers/save-customers.ts';
import { createDb, type Database, openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { renderInvoicePdf } from '../src/documents/invoice-pdf.ts';
import { firstDayOf, periodOf } from '../src/domain/period.ts';
import { ingestLogs } from '../src/ingest/ingest-log.ts';
import { MESSAGE_COPY_COLUMNS } from '../src/ingest/parse-chunk.ts';
import { logSource } from '../src/ingest/read-lines.ts';
import { launchArgs } from '../src/launch-args.ts';
import { invoicePdfData } from '../test/fixtures/invoice-pdf-data.ts';
import { stealMeter, stealShare } from './cpu-steal.ts';

const MONTH = '2026-10';
const SELF = fileURLToPath(import.meta.url);

interface Row {
  readonly stage: string;
  readonly ms: number;
  readonly floor?: string;
  readonly floorMs?: number;
  readonly rssKb?: number;
  /** The share of the machine's time the host stole while the stage ran (%), where known. */
  readonly stolen?: number | null;
}

class Report {
  readonly rows: Row[] = [];
  /** Over the whole run: a figure taken while the host withheld much of the CPU is not tagih's. */
  private readonly steal = stealMeter();
  add(row: Row): void {
    this.rows.push(row);
    const ratio = row.floorMs ? `  ${(row.ms / row.floorMs).toFixed(2)}× floor` : '';
    const rss = row.rssKb ? `  peak RSS ${Math.round(row.rssKb / 1024)} MB` : '';
    const stolen = row.stolen == null ? '' : `  (CPU stolen ${row.stolen} %)`;
    console.log(
      `  ${row.stage.padEnd(40)} ${(row.ms / 1000).toFixed(2).padStart(8)} s${ratio}${rss}${stolen}`,
    );
  }
  print(server: string): void {
    const s = (ms?: number) => (ms === undefined ? '' : (ms / 1000).toFixed(2));
    console.log(
      `\n${server}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; over the run: ${this.steal()}\n`,
    );
    console.log('| stage | time (s) | floor | floor (s) | ratio | peak RSS | CPU stolen |');
    console.log('|---|---:|---|---:|---:|---:|---:|');
    for (const r of this.rows) {
      const ratio = r.floorMs ? `${(r.ms / r.floorMs).toFixed(2)}×` : '';
      const rss = r.rssKb ? `${Math.round(r.rssKb / 1024)} MB` : '';
      const stolen = r.stolen == null ? '' : `${r.stolen} %`;
      console.log(
        `| ${r.stage} | ${s(r.ms)} | ${r.floor ?? ''} | ${s(r.floorMs)} | ${ratio} | ${rss} | ${stolen} |`,
      );
    }
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

interface Bench {
  readonly url: string;
  /** --database-url as given (undefined: the embedded server), to open the next fresh database on the same one */
  readonly databaseUrl: string | undefined;
  readonly database: Database;
  readonly server: string;
  close(): Promise<void>;
}

/** A fresh tagih_bench database on the chosen server. */
async function benchDatabase(databaseUrl: string | undefined): Promise<Bench> {
  const config = loadConfig(databaseUrl ? { ...process.env, DATABASE_URL: databaseUrl } : process.env);
  const server = await openDatabase(config);
  const admin = await server.pool.connect();
  const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!
    .v;
  const jit = (await admin.query<{ j: string }>("select current_setting('jit') as j")).rows[0]!.j;
  await admin.query('drop database if exists tagih_bench with (force)');
  await admin.query('create database tagih_bench');
  admin.release();
  const url = new URL(
    (server.pool as unknown as { options: { connectionString: string } }).options.connectionString,
  );
  url.pathname = '/tagih_bench';
  const { db, pool } = createDb(url.toString(), 8);
  await migrateToLatest(db);
  // The month's partition, as the daemon's daily job would have made it ahead (without it the rows would wait in
  // the default partition, an identical table: the figures barely differ, but this is the layout meant).
  const partitioned = await pool.query("select to_regproc('ensure_messages_partition') is not null as p");
  if (partitioned.rows[0].p) await pool.query(`select ensure_messages_partition('${MONTH}-01')`);
  const database = { db, pool, safeUrl: `tagih_bench on ${server.safeUrl}`, close: () => db.destroy() };
  return {
    url: url.toString(),
    databaseUrl,
    database,
    server: `${databaseUrl ? 'PostgreSQL at --database-url' : server.safeUrl}, PostgreSQL ${version}, jit = ${jit}`,
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

/** Generates the log in a child process (not timed). */
function generate(messages: number, customers: ReadonlyArray<string>): string {
  const file = path.join(tmpdir(), `tagih-bench-${process.pid}-${messages}.jsonl`);
  const spec = { file, month: MONTH, customers, messages, seed: 7, firstSendingId: 1, badLines: false };
  const script = fileURLToPath(new URL('./generate-log.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...launchArgs(script), JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error('generating the log failed');
  return file;
}

/**
 * Issue 16 ("peak RSS flat from 1 M to 10 M"): the stage's RSS sampled every 100 ms, and the highest sample of each
 * quarter of the run. Memory that grows with the log shows as quarters that climb; a longer run merely has more
 * chances of one high sample, which the process's single peak figure cannot tell apart.
 */
function rssSampler(): { stop: () => number[] } {
  const samples: number[] = [];
  // unref: a stage that fails exits at once, its sampler with it
  const timer = setInterval(() => samples.push(process.memoryUsage.rss()), 100);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      const quarter = Math.max(1, Math.ceil(samples.length / 4));
      return [0, 1, 2, 3].flatMap((q) => {
        const part = samples.slice(q * quarter, (q + 1) * quarter);
        return part.length === 0 ? [] : [Math.round(Math.max(...part) / 1048576)];
      });
    },
  };
}

interface StageRun {
  readonly ms: number;
  readonly rssKb: number;
  /** The highest RSS sample of each quarter of the stage's run, in MB (rssSampler). */
  readonly rssQuartersMb: ReadonlyArray<number>;
  readonly result: unknown;
  /** The share of the machine's time the host stole while the stage ran (%), null where not known. */
  readonly stolen: number | null;
}

/** Runs one of tagih's stages in a child process: its time and its own peak RSS. */
async function stage(name: string, args: object): Promise<StageRun> {
  const share = stealShare();
  const child = spawn(
    process.execPath,
    [...launchArgs(SELF, name === 'ingest' ? 'throughput' : 'lean'), '_stage', name, JSON.stringify(args)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench stage ${name} failed (exit code ${code})`);
  const run = JSON.parse(out.trim().split('\n').pop()!) as Omit<StageRun, 'stolen'>;
  return { ...run, stolen: share()?.stolen ?? null };
}

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

async function copyOut(pool: pg.Pool, sql: string, file?: string): Promise<number> {
  const client = await pool.connect();
  try {
    const t = await timed(() => pipeline(client.query(copyTo(sql)), file ? createWriteStream(file) : sink()));
    return t.ms;
  } finally {
    client.release();
  }
}

async function copyIn(pool: pg.Pool, sql: string, file: string): Promise<number> {
  const client = await pool.connect();
  try {
    return (await timed(() => pipeline(createReadStream(file), client.query(copyFrom(sql))))).ms;
  } finally {
    client.release();
  }
}

/**
 * Ingest and its floors: the same rows as plain COPY text, COPYed into a table with the same columns and no index
 * or constraint, then into the real (partitioned) messages with its index and the sending_ids trigger.
 */
async function benchIngest(bench: Bench, report: Report, file: string): Promise<IngestRun> {
  const run = await ingestStage(bench, report, file, 'ingest');
  const { pool } = bench.database;
  const rows = path.join(tmpdir(), `tagih-bench-${process.pid}-rows.copy`);
  try {
    await copyOut(pool, `copy (select ${MESSAGE_COPY_COLUMNS} from messages) to stdout`, rows);
    await pool.query('create table bench_bare (like messages including defaults)');
    const bare = await copyIn(pool, `copy bench_bare (${MESSAGE_COPY_COLUMNS}) from stdin`, rows);
    await pool.query('drop table bench_bare');
    const saved = 'create table bench_saved as select * from daily_usage_dirty';
    const keyTable = (await pool.query("select to_regclass('sending_ids') as t")).rows[0].t;
    await pool.query(`${saved}; truncate messages${keyTable ? ', sending_ids' : ''}`);
    const real = await copyIn(pool, `copy messages (${MESSAGE_COPY_COLUMNS}) from stdin`, rows);
    await pool.query(
      'insert into daily_usage_dirty select * from bench_saved on conflict do nothing; drop table bench_saved',
    );
    report.add({
      stage: 'ingest vs COPY into index-free table',
      ms: run.ms,
      floor: 'COPY, no index',
      floorMs: bare,
      stolen: run.stolen,
    });
    report.add({
      stage: 'ingest vs COPY into messages',
      ms: run.ms,
      floor: 'COPY into messages',
      floorMs: real,
      stolen: run.stolen,
    });
  } finally {
    await rm(rows, { force: true });
  }
  return run;
}

interface IngestRun {
  readonly ms: number;
  readonly messages: number;
  readonly stolen: number | null;
}

/** The ingest of `file` in a child process, reported as `label`, with its rate. */
async function ingestStage(bench: Bench, report: Report, file: string, label: string): Promise<IngestRun> {
  await checkpoint(bench);
  const run = await stage('ingest', { url: bench.url, file });
  const summary = run.result as { messagesLoaded: number; linesRead: number };
  report.add({
    stage: `${label} (${summary.messagesLoaded} msgs)`,
    ms: run.ms,
    rssKb: run.rssKb,
    stolen: run.stolen,
  });
  console.log(`    ${Math.round(summary.messagesLoaded / (run.ms / 1000)).toLocaleString('en')} msgs/s`);
  console.log(`    peak RSS in each quarter of the run: ${run.rssQuartersMb.join(', ')} MB`);
  return { ms: run.ms, messages: summary.messagesLoaded, stolen: run.stolen };
}

/**
 * Every timed ingest starts from a clean checkpoint, so none pays for the dirty pages of the stage before it (a
 * floor's COPY, a dropped database). Needs a superuser; on a server where the bench's role is not one, it says so.
 */
async function checkpoint(bench: Bench): Promise<void> {
  try {
    await bench.database.pool.query('checkpoint');
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    console.log('    (no checkpoint before this stage: the role is not a superuser)');
  }
}

/**
 * R15 (issue 14: a prepaid-heavy log within 20 % of the postpaid rate): the same log ingested again into a fresh
 * database where every customer is prepaid with a balance that outlasts it, so every billable message is charged
 * in the ingest's transaction; printed against the postpaid ingest of the same run.
 */
async function benchPrepaidIngest(
  bench: Bench,
  report: Report,
  file: string,
  customers: number,
  postpaid: IngestRun,
): Promise<number> {
  await makePrepaid(bench.database, await addCustomers(bench.database, customers));
  const prepaid = await ingestStage(bench, report, file, 'ingest, every customer prepaid');
  const charged = await bench.database.pool.query<{ n: number; billable: number }>(
    // A Cancel/Reject arriving after its message was charged keeps the charge row, given back (due 0).
    'select (select count(*) from prepaid_charges where due > 0)::bigint as n, (select count(*) from messages where billable)::bigint as billable',
  );
  const { n, billable } = charged.rows[0]!;
  if (n !== billable) throw new Error(`only ${n} of ${billable} billable messages were charged`);
  const rate = (r: IngestRun) => r.messages / (r.ms / 1000);
  const ratio = rate(prepaid) / rate(postpaid);
  console.log(
    `    R15: prepaid ${Math.round(rate(prepaid)).toLocaleString('en')} msgs/s against postpaid ${Math.round(rate(postpaid)).toLocaleString('en')} msgs/s = ${(ratio * 100).toFixed(1)} % of the postpaid rate (${n} messages charged)`,
  );
  return ratio;
}

/**
 * R15: rounds of (postpaid ingest, prepaid ingest), each into a fresh database, the first postpaid one being the
 * mode's own. On this machine one pair's ratio varies from about 70 % to over 100 % from run to run, so one pair proves
 * nothing; the median over the rounds is what is compared with the aim.
 */
async function benchPrepaidRounds(
  bench: Bench,
  report: Report,
  file: string,
  customers: number,
  first: IngestRun,
  rounds: number,
): Promise<Bench> {
  const ratios: number[] = [];
  let postpaid = first;
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) {
      await bench.close();
      bench = await benchDatabase(bench.databaseUrl);
      await addCustomers(bench.database, customers);
      postpaid = await ingestStage(bench, report, file, `ingest, postpaid, round ${round}`);
    }
    await bench.close();
    bench = await benchDatabase(bench.databaseUrl);
    ratios.push(await benchPrepaidIngest(bench, report, file, customers, postpaid));
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  // an even count takes the mean of the middle two, never the upper one alone
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  console.log(
    `    R15: prepaid/postpaid over ${rounds} rounds: ${ratios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(median * 100).toFixed(1)} %; the aim is at least 80 %: ${median >= 0.8 ? 'met' : 'NOT met'}`,
  );
  return bench;
}

/** The fastest of 20 warm renders of a typical invoice, × invoices ÷ cores. */
async function pdfFloor(invoices: number): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 22; i++) {
    const t = await timed(() => renderInvoicePdf(invoicePdfData));
    if (i >= 2) fastest = Math.min(fastest, t.ms);
  }
  console.log(`    fastest PDF render ${fastest.toFixed(1)} ms on ${availableParallelism()} cores`);
  return (fastest * invoices) / availableParallelism();
}

async function benchMonth(bench: Bench, report: Report): Promise<void> {
  const { pool, db } = bench.database;
  await pool.query('vacuum analyze messages');
  const { start, endExclusive } = periodOf(MONTH);
  const range = `sent_at >= '${start.toISOString()}' and sent_at < '${endExclusive.toISOString()}'`;
  const group = await timed(() =>
    pool.query(`select customer_id, product, operator, count(*) filter (where billable), sum(parts) filter (where billable)
      from messages where ${range} group by 1, 2, 3`),
  );
  const plainCopy = await copyOut(
    pool,
    `copy (select sending_id, sent_at, number, operator, product, sending_status, delivery_status, characters,
      billable_characters, parts from messages where ${range}) to stdout with (format csv)`,
  );
  const aggregationShare = stealShare();
  const aggregation = await timed(() =>
    computeInvoices(db, { periodStart: firstDayOf(MONTH), start, endExclusive, invoiceDate: '2026-11-01' }),
  );
  report.add({
    stage: 'aggregation',
    ms: aggregation.ms,
    floor: 'GROUP BY',
    floorMs: group.ms,
    stolen: aggregationShare()?.stolen ?? null,
  });
  const outDir = path.join(tmpdir(), `tagih-bench-out-${process.pid}`);
  try {
    const close = await stage('close', { url: bench.url, outDir });
    const invoices = close.result as number;
    const pdf = await pdfFloor(invoices);
    const floor = group.ms + plainCopy + pdf;
    report.add({
      stage: `month close (${invoices} invoices)`,
      ms: close.ms,
      floor: 'sum of the three',
      floorMs: floor,
      rssKb: close.rssKb,
      stolen: close.stolen,
    });
    const detail = await stage('files', { url: bench.url, outDir, remove: '-detail.csv' });
    report.add({
      stage: 'detail export alone',
      ms: detail.ms,
      floor: 'plain COPY',
      floorMs: plainCopy,
      rssKb: detail.rssKb,
      stolen: detail.stolen,
    });
    const pdfs = await stage('files', { url: bench.url, outDir, remove: '.pdf' });
    report.add({
      stage: 'PDFs alone',
      ms: pdfs.ms,
      floor: 'fastest PDF × n ÷ cores',
      floorMs: pdf,
      rssKb: pdfs.rssKb,
      stolen: pdfs.stolen,
    });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The bench modes; another file (e.g. scripts/bench-api.ts) can add its own the same way. */
const MODES: Record<
  string,
  { description: string; customers: string; run: (b: Bench, r: Report, file: string) => Promise<IngestRun> }
> = {
  ingest: { description: 'ingest against its COPY floors', customers: '100', run: benchIngest },
  month: {
    description: 'ingest, then the month close against its floors',
    customers: '1000',
    run: async (b, r, file) => {
      const ingest = await benchIngest(b, r, file);
      await benchMonth(b, r);
      return ingest;
    },
  },
};

const program = new Command('bench');
for (const [name, mode] of Object.entries(MODES)) {
  program
    .command(name)
    .description(mode.description)
    .option('--messages <n>', 'messages in the generated log', '1000000')
    .option('--customers <n>', 'customers (Zipf-sized)', mode.customers)
    .option('--database-url <url>', 'a PostgreSQL server to run on (its database tagih_bench is recreated)')
    .option(
      '--prepaid',
      'R15: then the same log again into a fresh database where every customer is prepaid (every message charged in the ingest), its rate against the postpaid one',
    )
    .option(
      '--rounds <n>',
      'with --prepaid: rounds of (postpaid, prepaid) ingest, the median ratio compared',
      '3',
    )
    .action(
      async (o: {
        messages: string;
        customers: string;
        databaseUrl?: string;
        prepaid?: boolean;
        rounds: string;
      }) => {
        const rounds = Number(o.rounds);
        if (!Number.isInteger(rounds) || rounds < 1)
          throw new Error(`--rounds must be a whole number of at least 1, not '${o.rounds}'`);
        let bench = await benchDatabase(o.databaseUrl);
        const report = new Report();
        let file: string | null = null;
        try {
          console.log(
            `${bench.server}; load average ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' ')}`,
          );
          const codes = await addCustomers(bench.database, Number(o.customers));
          file = generate(Number(o.messages), codes);
          console.log(`  generated ${Math.round((await stat(file)).size / 1e6)} MB of log (not timed)`);
          const postpaid = await mode.run(bench, report, file);
          if (o.prepaid) {
            bench = await benchPrepaidRounds(bench, report, file, Number(o.customers), postpaid, rounds);
          }
          report.print(bench.server);
        } finally {
          if (file) await rm(file, { force: true });
          await bench.close();
        }
      },
    );
}

/** One stage in this child process: prints {ms, rssKb, result} as its last line. */
const STAGES: Record<string, (database: Database, args: Record<string, string>) => Promise<unknown>> = {
  async ingest(database, args) {
    return ingestLogs(database.pool, [logSource(args.file!)], { storeMessageText: false });
  },
  async close(database, args) {
    const config = { ...loadConfig(), outDir: args.outDir! };
    const summary = await runInvoiceMonth(database, config, {
      month: MONTH,
      issueDate: '2026-11-01',
      dryRun: false,
      actor: 'bench',
      holdMail: false,
      now: new Date('2026-11-27T00:00:00Z'),
    });
    return summary.issued.length;
  },
  async files(database, args) {
    const config = { ...loadConfig(), outDir: args.outDir! };
    const folder = path.join(args.outDir!, MONTH);
    const files = (await readdir(folder)).filter((f) => f.includes(args.remove!));
    await Promise.all(files.map((f) => rm(path.join(folder, f))));
    return (await writeMonthFiles(database, config, MONTH)).files.length;
  },
};

program
  .command('_stage', { hidden: true })
  .argument('<name>')
  .argument('<args>')
  .action(async (name: string, json: string) => {
    const args = JSON.parse(json) as Record<string, string>;
    const { db, pool } = createDb(args.url!, 4);
    const rss = rssSampler();
    try {
      const { value, ms } = await timed(() =>
        STAGES[name]!({ db, pool, safeUrl: 'bench', close: () => db.destroy() }, args),
      );
      const rssQuartersMb = rss.stop();
      console.log(
        JSON.stringify({ ms, rssKb: process.resourceUsage().maxRSS, rssQuartersMb, result: value }),
      );
    } finally {
      await db.destroy();
    }
  });

program
  .command('api')
  .option('--lines <n>', 'lines for the file ingest and for the API each', '50000')
  .option('--crossings <n>', 'quota crossings to time', '25')
  .action(async (o: { lines: string; crossings: string }) => {
    // issue 13: the HTTP API (scripts/bench-api.ts)
    const { benchApi } = await import('./bench-api.ts');
    const lines = Number(o.lines);
    const crossings = Number(o.crossings);
    // Each run takes sendingids from a range of its own (bench-api.ts): the two file ingests from 1, the API's two
    // from 10 000 000, the quota delay's load from 50 000 000. Up to 5 000 000 lines each, they never meet.
    if (!Number.isInteger(lines) || lines < 1 || lines > 5_000_000)
      throw new Error(`--lines ${o.lines}: give a whole number of lines from 1 to 5000000`);
    if (!Number.isInteger(crossings) || crossings < 1)
      throw new Error(`--crossings ${o.crossings}: give a whole number of crossings, at least 1`);
    await benchApi({ lines, crossings });
  });

try {
  await program.parseAsync();
} catch (error) {
  // A benchmark that cannot run says why and how to fix it, without a stack trace (TAGIH_BENCH_TRACE=1 shows it).
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.TAGIH_BENCH_TRACE === '1') console.error(error);
  process.exit(1);
}
