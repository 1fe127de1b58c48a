// npm run bench -- api [--lines 50000] [--crossings 25]
// Issue 13: the HTTP API against a real server (npm run api in a child process) on a database of its own
// (tagih_bench_api): /v1/gateway/log throughput in batches of 1 000 lines vs the file ingest in the same run (and,
// beside it, the file ingest in transactions of 1 000 lines, and the log route in batches of 4 000),
// permission latency at 500 req/s, and the quota delay from a crossing batch to sending_permission refusing,
// under ingest load.
import { type ChildProcess, spawn } from 'node:child_process';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { addGatewayKey } from '../src/api/api-keys.ts';
import { QuotaRechecker } from '../src/billing/quota/quota-recheck.ts';
import { loadConfig } from '../src/config.ts';
import { saveCustomers } from '../src/customers/save-customers.ts';
import { createDb, type Database, openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ingestLogs } from '../src/ingest/ingest-log.ts';
import { logSource } from '../src/ingest/read-lines.ts';
import { commandArgs, launchArgs } from '../src/launch-args.ts';
import { stealMeter } from './cpu-steal.ts';

/** The batch of the goal (issue 13): the API's rate in batches of 1 000 lines is the figure held against it. */
const BATCH = 1000;
/** A larger batch, measured beside it: what an integrator gains by sending more lines a request. */
const LARGE_BATCH = 4000;
const root = fileURLToPath(new URL('..', import.meta.url));

async function benchDatabase(): Promise<{ database: Database; url: string }> {
  const server = await openDatabase(loadConfig());
  const admin = await server.pool.connect();
  await admin.query('drop database if exists tagih_bench_api with (force)');
  await admin.query('create database tagih_bench_api');
  admin.release();
  const url = new URL(
    (server.pool as unknown as { options: { connectionString: string } }).options.connectionString,
  );
  url.pathname = '/tagih_bench_api';
  const { db, pool } = createDb(url.toString(), 8);
  await migrateToLatest(db);
  const close = async () => {
    await db.destroy();
    await server.close();
  };
  return { database: { db, pool, safeUrl: 'tagih_bench_api', close }, url: url.toString() };
}

async function addCustomers(database: Database, codes: ReadonlyArray<string>, quotaOverride: number | null) {
  await saveCustomers(
    database.db,
    codes.map((code, i) => ({
      row: i + 2,
      customer: {
        code,
        name: `PT ${code}`,
        emails: [`${code.toLowerCase()}@example.id`],
        deposit: 10_000_000,
        address: 'Jl. Contoh 1, Jakarta',
        npwp: null,
        paperInvoice: false,
        quotaOverride,
      },
    })),
    '2026-09-01',
    'bench',
  );
}

/** One-part send records of now (the quota is checked as of now), `count` of them from `first`. */
function lines(codes: ReadonlyArray<string>, first: number, count: number): string {
  const sentAt = new Date().toISOString();
  let out = '';
  for (let i = 0; i < count; i++) {
    const n = first + i;
    out += `{"customer":"${codes[n % codes.length]}","sendingid":${n},"number":"0812${String(n % 1e8).padStart(8, '0')}","message":"Kode OTP Anda ${String(n % 1e6).padStart(6, '0')}","sent_at":"${sentAt}"}\n`;
  }
  return out;
}

async function startServer(url: string): Promise<{ child: ChildProcess; base: string; log: string }> {
  // The server's log goes to a file, as it would to journald: a pipe into this process would make the process
  // that measures the latencies drain a log line per request as well.
  const log = path.join(tmpdir(), `tagih-bench-api-${process.pid}.log`);
  const out = await open(log, 'w');
  const child = spawn(process.execPath, commandArgs('api'), {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      TAGIH_API_LISTEN: '127.0.0.1:0',
      TAGIH_LOG_FORMAT: 'json',
      TAGIH_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', out.fd, 'inherit'],
  });
  await out.close();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (;;) {
    const m = /"url":"(http:[^"]+)"/.exec(await readFile(log, 'utf8'));
    if (m) return { child, base: m[1]!, log };
    if (exited !== undefined) throw new Error(`the API exited (${exited}) before listening; its log: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

function percentile(sorted: ReadonlyArray<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The file ingest of `count` fresh lines from `first`; `batchLines` cuts it into transactions of that many lines
 * (the default unit otherwise), as the log route commits one per request.
 */
async function fileIngest(
  database: Database,
  codes: ReadonlyArray<string>,
  count: number,
  first: number,
  batchLines?: number,
): Promise<number> {
  const file = path.join(tmpdir(), `tagih-bench-api-${process.pid}.jsonl`);
  await writeFile(file, lines(codes, first, count));
  const quota = new QuotaRechecker(database, null);
  const steal = stealMeter();
  const t0 = performance.now();
  // as `npm run ingest` does: each committed batch has its customers' quota re-checked
  const summary = await ingestLogs(database.pool, [logSource(file)], {
    storeMessageText: false,
    afterBatch: (ids) => void quota.recheck(ids),
    ...(batchLines === undefined ? {} : { batchLines }),
  });
  await quota.idle();
  const rate = summary.messagesLoaded / ((performance.now() - t0) / 1000);
  await rm(file);
  console.log(
    batchLines === undefined
      ? `  file ingest (npm run ingest path):   ${summary.messagesLoaded} lines, ${Math.round(rate)} lines/s; ${steal()}`
      : `  the same file ingest, one transaction per ${batchLines} lines (as the log route commits a request): ${summary.messagesLoaded} lines, ${Math.round(rate)} lines/s; ${steal()}`,
  );
  return rate;
}

function logBatches(base: string, key: string, codes: ReadonlyArray<string>, first: number, size = BATCH) {
  let next = first;
  return {
    url: `${base}/v1/gateway/log`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const body = lines(codes, next, size);
          next += size;
          return { ...req, body };
        },
      },
    ],
  };
}

async function apiIngest(
  base: string,
  key: string,
  codes: ReadonlyArray<string>,
  count: number,
  first: number,
  size = BATCH,
) {
  const batches = Math.ceil(count / size);
  // autocannon refuses more connections than requests (a small --lines)
  const connections = Math.min(4, batches);
  // The rate is timed here, from the start to the last answer: autocannon's own duration has a resolution of
  // whole ticks of its 1 s timer, which made runs of 1.6 s and 2.0 s report the same rate.
  let last = 0;
  const steal = stealMeter();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { ...logBatches(base, key, codes, first, size), connections, amount: batches, timeout: 120 },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', () => {
      last = performance.now();
    });
  });
  const seconds = (last - started) / 1000;
  const rate = (result['2xx'] * size) / seconds;
  console.log(
    `  POST /v1/gateway/log, ${connections} connections: ${result['2xx']} batches of ${size} (${result.non2xx} non-2xx) in ${seconds.toFixed(2)} s, ${Math.round(rate)} lines/s; batch latency p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}; ${steal()}`,
  );
  return rate;
}

/**
 * While `during` runs: in how many of its 200 ms samples an autovacuum worker was at work, and on what. Printed
 * beside the latencies, so a slow tail can be told apart from the database vacuuming what the ingest just wrote.
 */
async function withAutovacuumSamples<T>(
  database: Database,
  during: Promise<T>,
): Promise<{ result: T; vacuum: string }> {
  const steal = stealMeter();
  let samples = 0;
  let busy = 0;
  const tables = new Set<string>();
  const timer = setInterval(() => {
    void database.pool
      .query<{ query: string }>("select query from pg_stat_activity where backend_type = 'autovacuum worker'")
      .then(
        (r) => {
          samples += 1;
          if (r.rows.length > 0) busy += 1;
          for (const row of r.rows) tables.add(row.query.replace(/^autovacuum:\s*/, ''));
        },
        () => {},
      );
  }, 200);
  try {
    const result = await during;
    const on = tables.size > 0 ? ` (${[...tables].join('; ')})` : '';
    return { result, vacuum: `autovacuum at work in ${busy} of ${samples} samples${on}; ${steal()}` };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The server's own time for each permission answer so far, in ms, from its log ('answered' lines, rounded to the
 * ms by the server): what autocannon measures, less the client's and the network's share.
 */
async function serverPermissionTimes(log: string): Promise<number[]> {
  const times: number[] = [];
  for (const line of (await readFile(log, 'utf8')).split('\n')) {
    if (!line.includes('"msg":"answered"') || !line.includes('/permission')) continue;
    times.push((JSON.parse(line) as { ms: number }).ms);
  }
  return times;
}

function serverShare(times: ReadonlyArray<number>): string {
  if (times.length === 0) return "the server's own time: not in its log (TAGIH_LOG_LEVEL above info?)";
  const sorted = [...times].sort((a, b) => a - b);
  return `the server's own time p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}`;
}

async function permissionLatency(
  database: Database,
  serverLog: string,
  base: string,
  key: string,
  codes: ReadonlyArray<string>,
) {
  // The load comes from a process of its own (scripts/bench-permission-load.ts), as a gateway's would, with V8's
  // default heap: the load generator's own pauses are not tagih's latency.
  const run = async (seconds: number, connections = 10) => {
    const child = spawn(
      process.execPath,
      [
        ...launchArgs(path.join(root, 'scripts/bench-permission-load.ts'), 'throughput'),
        base,
        key,
        codes.join(','),
        String(seconds),
        String(connections),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the permission load generator failed (exit code ${code})`);
    return JSON.parse(out.trim().split('\n').pop()!) as {
      ok: number;
      non2xx: number;
      latency: { p50: number; p99: number; max: number };
    };
  };
  // Reported apart, not hidden: the first 10 s of requests to the route after start (V8 still compiling its
  // code, PostgreSQL backends new); the next 10 s are the steady state.
  const { result: first, vacuum: firstVacuum } = await withAutovacuumSamples(database, run(10));
  const firstTimes = await serverPermissionTimes(serverLog);
  console.log(
    `  GET permission at 500 req/s, first 10 s: ${first.ok} answered (${first.non2xx} non-2xx), p50 ${ms(first.latency.p50)}, p99 ${ms(first.latency.p99)}, max ${ms(first.latency.max)}; ${serverShare(firstTimes)}; ${firstVacuum}`,
  );
  const { result, vacuum } = await withAutovacuumSamples(database, run(10));
  const nextTimes = (await serverPermissionTimes(serverLog)).slice(firstTimes.length);
  console.log(
    `  GET permission at 500 req/s for the next 10 s: ${result.ok} answered (${result.non2xx} non-2xx), p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}; ${serverShare(nextTimes)}; ${vacuum}`,
  );
  // The same rate from 2 connections instead of 10. autocannon's rate is a budget per connection and second: each
  // connection sends back to back until it has made its 50 of the second, then waits for the next second. So with
  // 10 connections the server has 10 requests in flight at once for the first part of every second, and the last
  // of them waits for the nine before it; with 2, it has 2. The figure above (the harder one) is the one held
  // against the aim.
  const { result: fewer, vacuum: fewerVacuum } = await withAutovacuumSamples(database, run(10, 2));
  const fewerTimes = (await serverPermissionTimes(serverLog)).slice(firstTimes.length + nextTimes.length);
  console.log(
    `  GET permission at 500 req/s from 2 connections (2 in flight at once, not 10), 10 s more: ${fewer.ok} answered (${fewer.non2xx} non-2xx), p50 ${ms(fewer.latency.p50)}, p99 ${ms(fewer.latency.p99)}, max ${ms(fewer.latency.max)}; ${serverShare(fewerTimes)}; ${fewerVacuum}`,
  );
}

/** Time from sending a batch that takes a customer past 100 % to sending_permission refusing it. */
async function quotaDelays(
  database: Database,
  base: string,
  key: string,
  crossings: number,
  loadCodes: string[],
) {
  const crossers = Array.from({ length: crossings }, (_, i) => `X${String(i + 1).padStart(3, '0')}`);
  // R10: a quota of Rp 3.500 is 10 one-part messages at 350
  await addCustomers(database, crossers, 3500);
  let loadDone: (r: autocannon.Result) => void = () => {};
  const loadResult = new Promise<autocannon.Result>((resolve) => {
    loadDone = resolve;
  });
  const steal = stealMeter();
  const load = autocannon(
    { ...logBatches(base, key, loadCodes, 50_000_000), connections: 2, duration: 600 },
    (_error, result) => loadDone(result),
  );
  await new Promise((r) => setTimeout(r, 2000));
  const delays: number[] = [];
  for (const [i, code] of crossers.entries()) {
    const t0 = performance.now();
    const send = fetch(`${base}/v1/gateway/log`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: lines([code], 90_000_000 + i * 10, 10),
    });
    for (;;) {
      const r = await database.pool.query('select allowed from sending_permission where customer_code = $1', [
        code,
      ]);
      if (r.rows[0]?.allowed === false) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    delays.push(performance.now() - t0);
    await send;
  }
  load.stop();
  const loaded = await loadResult;
  delays.sort((a, b) => a - b);
  console.log(
    `  quota delay over ${crossings} crossings, under ${Math.round((loaded['2xx'] * BATCH) / loaded.duration)} lines/s of API ingest: p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}, max ${ms(delays.at(-1)!)}; ${steal()}`,
  );
}

export async function benchApi(options: {
  readonly lines: number;
  readonly crossings: number;
}): Promise<void> {
  const { database, url } = await benchDatabase();
  let server: ChildProcess | null = null;
  let serverLog: string | null = null;
  try {
    const codes = Array.from({ length: 100 }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
    await addCustomers(database, codes, null);
    const { key } = await addGatewayKey(database.db, 'bench');
    console.log(`api benchmark (${options.lines} lines each way; load average before: ${loadAverage()})`);
    const fileRate = await fileIngest(database, codes, options.lines, 1);
    const smallUnits = await fileIngest(database, codes, options.lines, 1 + options.lines, BATCH);
    const started = await startServer(url);
    server = started.child;
    serverLog = started.log;
    const apiRate = await apiIngest(started.base, key, codes, options.lines, 10_000_000);
    console.log(
      `  => API ${(apiRate / fileRate).toFixed(2)}× the file ingest's rate (${(apiRate / smallUnits).toFixed(2)}× the file ingest in transactions of ${BATCH} lines)`,
    );
    const largeRate = await apiIngest(
      started.base,
      key,
      codes,
      options.lines,
      10_000_000 + options.lines,
      LARGE_BATCH,
    );
    console.log(
      `  => in batches of ${LARGE_BATCH}: ${(largeRate / fileRate).toFixed(2)}× the file ingest's rate`,
    );
    await permissionLatency(database, started.log, started.base, key, codes);
    await quotaDelays(database, started.base, key, options.crossings, codes);
    console.log(`  load average after: ${loadAverage()}`);
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server!.once('exit', r));
    if (serverLog) await rm(serverLog, { force: true });
    await database.close();
  }
}

function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}
