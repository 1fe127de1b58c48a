// Issue 16: the month close by 1 worker against N workers (`npm run invoice -- --workers N`), on the same data.
//   node src/launch.mjs scripts/bench-workers.ts --messages 200000 --customers 1000 --workers 1,2 [--database-url URL]
// Loads the month once into a template database (straight SQL: this measures the close, not the ingest), then for
// each worker count runs the real command on a fresh copy of it and reports its wall time and the invoices it made.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, uptime } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { saveCustomers } from '../src/customers/save-customers.ts';
import { createDb } from '../src/db/connect.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { commandArgs } from '../src/launch-args.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATE = 'tagih_benchw_data';
const RUN = 'tagih_benchw_run';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The month: customers, and messages spread over them Zipf-like (a few large, many small), in October 2026. */
async function loadTemplate(serverUrl: string, messages: number, customers: number): Promise<void> {
  const { db } = createDb(withDatabase(serverUrl, TEMPLATE), 4);
  try {
    await migrateToLatest(db);
    const codes = Array.from({ length: customers }, (_, i) => `C${String(i + 1).padStart(5, '0')}`);
    await saveCustomers(
      db,
      codes.map((code, i) => ({
        row: i + 2,
        customer: {
          code,
          name: `PT Pelanggan ${code}`,
          emails: [`${code.toLowerCase()}@example.id`],
          deposit: 10_000_000,
          address: 'Jl. Contoh 1, Jakarta',
          npwp: null,
          paperInvoice: i % 10 === 0,
          quotaOverride: null,
        },
      })),
      '2026-09-01',
      'bench',
    );
    // Customer k (1-based) gets a share ~ 1/k^0.8 of the month (a few large, many small), at least one message.
    await sql`
      with c as (select id, row_number() over (order by code) as k from customers),
      n as (select id, k, greatest(1, floor(${messages} * (1 / power(k, 0.8)) / sum(1 / power(k, 0.8)) over ()))::int as cnt from c)
      insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status,
        delivery_status, characters, billable_characters, parts, content_hash)
      select n.k * 10000000 + g, n.id, 'whatsapp_otp', '62812' || lpad((g % 100000000)::text, 8, '0'),
        (array['telkomsel', 'xl', 'indosat', 'smartfren', 'other'])[1 + g % 5],
        '2026-10-01T00:00:00+07:00'::timestamptz + make_interval(secs => (n.k * 7919 + g * 2677) % 2678400),
        10, 3, 150, 150, 1 + (g % 7 = 0)::int, '\\x00'::bytea
      from n cross join lateral generate_series(1, n.cnt) as g
    `.execute(db);
    await sql`analyze`.execute(db);
  } finally {
    await db.destroy();
  }
}

interface RunResult {
  readonly workers: number;
  readonly seconds: number;
  readonly invoices: number;
  readonly maxRssMb: number;
}

/** One close of the month by the real command on a fresh copy of the template. */
async function closeMonth(serverUrl: string, workers: number): Promise<RunResult> {
  const admin = createDb(withDatabase(serverUrl, 'postgres'), 1);
  await sql`drop database if exists ${sql.raw(RUN)} with (force)`.execute(admin.db);
  await sql`create database ${sql.raw(RUN)} template ${sql.raw(TEMPLATE)}`.execute(admin.db);
  await admin.db.destroy();
  const out = await mkdtemp(path.join(tmpdir(), 'tagih-benchw-'));
  const args = ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email', '--json', '--out', out];
  const t0 = performance.now();
  // /usr/bin/time -f %M: the command's peak RSS (the largest of its processes), in kB.
  const child = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'maxrss_kb=%M',
      process.execPath,
      ...commandArgs('invoice'),
      ...args,
      ...(workers > 0 ? ['--workers', String(workers)] : []),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: withDatabase(serverUrl, RUN),
        TAGIH_REVIEW_BEFORE_SENDING: 'false',
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  await rm(out, { recursive: true, force: true });
  if (child.status !== 0)
    throw new Error(`invoice run failed (${child.status}): ${child.stderr.slice(-2000)}`);
  const summary = JSON.parse(child.stdout) as { issued: unknown[] };
  const rss = Number(/maxrss_kb=(\d+)/.exec(child.stderr)?.[1] ?? 0);
  return { workers, seconds, invoices: summary.issued.length, maxRssMb: Math.round(rss / 1024) };
}

const program = new Command('bench-workers')
  .option('--messages <n>', 'messages in the month', '200000')
  .option('--customers <n>', 'customers', '1000')
  .option('--workers <list>', 'worker counts to compare; 0 = the run without --workers', '1,2')
  .option('--database-url <url>', 'a PostgreSQL server (default: DATABASE_URL, else the embedded one)')
  .action(async (opts: { messages: string; customers: string; workers: string; databaseUrl?: string }) => {
    const config = loadConfig();
    const url = opts.databaseUrl ?? config.databaseUrl;
    // The embedded server without a Unix socket: only TCP is used, and /tmp may not take the socket's lock file.
    const embedded = url
      ? null
      : await startEmbedded(config.dataDir, config.embeddedPort, {
          flags: ['-c', 'unix_socket_directories='],
        });
    const serverUrl = url ?? embedded!.url('postgres');
    const server = createDb(serverUrl, 2);
    try {
      const admin = await server.pool.connect();
      await admin.query(`drop database if exists ${RUN} with (force)`);
      await admin.query(`drop database if exists ${TEMPLATE} with (force)`);
      await admin.query(`create database ${TEMPLATE}`);
      admin.release();
      console.log(`load average at start: ${loadAverage()} (uptime ${Math.round(uptime() / 60)} min)`);
      const t0 = performance.now();
      await loadTemplate(serverUrl, Number(opts.messages), Number(opts.customers));
      console.log(
        `loaded ${opts.messages} messages, ${opts.customers} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const results: RunResult[] = [];
      for (const w of opts.workers.split(',').map(Number)) {
        const r = await closeMonth(serverUrl, w);
        results.push(r);
        console.log(
          `  ${w === 0 ? 'no --workers' : `--workers ${w}`}: ${r.seconds.toFixed(1)} s, ${r.invoices} invoices, peak RSS ${r.maxRssMb} MB (largest process), load ${loadAverage()}`,
        );
      }
      const base = results[0]!;
      for (const r of results.slice(1))
        console.log(
          `  ratio ${r.workers} : ${base.workers} workers = ${(r.seconds / base.seconds).toFixed(2)}`,
        );
      const admin2 = await server.pool.connect();
      await admin2.query(`drop database if exists ${RUN} with (force)`);
      await admin2.query(`drop database if exists ${TEMPLATE} with (force)`);
      admin2.release();
    } finally {
      await server.db.destroy();
      await embedded?.stop();
    }
  });

function loadAverage(): string {
  return spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ');
}

await program.parseAsync();
