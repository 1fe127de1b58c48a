// npm run chaos: the fault suite (issue 17). On a PostgreSQL of its own it loads a month's log and invoices it
// twice: once cleanly, once while SIGKILLing the real `ingest` and `invoice` commands at random moments and
// restarting PostgreSQL once under an invoice run. Then it compares what both databases and folders hold and exits
// 1 on any difference. Seeded: `--seed N` replays a run exactly (the same kills at the same moments).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import pg from 'pg';
import { runProgram, UserError } from '../src/cli/run-command.ts';
import { importCustomersCsv } from '../src/customers/save-customers.ts';
import { createDb } from '../src/db/connect.ts';
import { type EmbeddedServer, startEmbedded } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { commandArgs } from '../src/launch-args.ts';
import { chaosFigures, type Figures } from './chaos-figures.ts';
import { DEMO_CUSTOMERS } from './demo-customers.ts';
import { generateMonthLog, random, zipfWeights } from './generate-log.ts';

const MONTH = '2026-10';
const ISSUE_DATE = '2026-11-01';
const ROOT = path.resolve(import.meta.dirname, '..');

interface Options {
  readonly seed: number;
  readonly messages: number;
  readonly kills: number;
}

interface Side {
  readonly name: 'clean' | 'chaos';
  readonly url: string;
  readonly outDir: string;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a real command (`node src/launch.mjs src/cli/<script>.ts`), as `npm run <script>` does. */
function command(
  script: string,
  args: ReadonlyArray<string>,
  side: Side,
): { child: ChildProcess; done: Promise<Finished> } {
  const started = Date.now();
  const child = spawn(process.execPath, [...commandArgs(script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: side.url, TAGIH_OUT: side.outDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - started })),
  );
  return { child, done };
}

const INGEST = (file: string) => ['ingest', [file]] as const;
const INVOICE = ['invoice', ['--month', MONTH, '--issue-date', ISSUE_DATE, '--no-email']] as const;

/** A run that must complete: ingest may exit 2 (the log's bad lines are rejected, as they should be). */
async function complete(what: readonly [string, ReadonlyArray<string>], side: Side): Promise<Finished> {
  const result = await command(what[0], what[1], side).done;
  if (result.code !== 0 && !(what[0] === 'ingest' && result.code === 2)) {
    throw new UserError(
      `${side.name}: ${what[0]} ended with ${result.code ?? result.signal}: ${result.stderr.trim()}`,
    );
  }
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the command and SIGKILLs it at a moment: after `delayMs`, or (with `target`) once `progress` has counted
 * that many rows, so a kill also lands between two committed batches or invoices. Says where it was cut.
 */
async function killAt(
  what: readonly [string, ReadonlyArray<string>],
  side: Side,
  moment: { readonly delayMs: number } | { readonly target: number },
  progress: () => Promise<number>,
  unit: string,
): Promise<string> {
  const { child, done } = command(what[0], what[1], side);
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  if ('delayMs' in moment) await Promise.race([done, sleep(moment.delayMs)]);
  else while (!exited && (await progress()) < moment.target) await sleep(10);
  const when = 'delayMs' in moment ? `at ${moment.delayMs} ms` : `once ${moment.target} ${unit} were stored`;
  if (exited) return `${what[0]} finished before the kill ${when}`;
  child.kill('SIGKILL');
  await done;
  return `${what[0]} SIGKILLed ${when} (${await progress()} ${unit} stored)`;
}

async function prepare(serverUrl: string, name: string, customersCsv: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = serverUrl.replace(/\/postgres$/, `/${name}`);
  const { db } = createDb(url, 2);
  await migrateToLatest(db);
  await importCustomersCsv(db, customersCsv, '2026-09-01', 0);
  await db.destroy();
  return url;
}

async function customersFile(dir: string): Promise<string> {
  const file = path.join(dir, 'customers.csv');
  const rows = DEMO_CUSTOMERS.map((c) => [
    c.code,
    c.name,
    c.email,
    c.deposit,
    c.address,
    c.npwp,
    c.paper ? 'yes' : 'no',
  ]);
  await writeFile(
    file,
    stringify(rows, {
      header: true,
      columns: ['code', 'name', 'email', 'deposit', 'address', 'npwp', 'paper_invoice'],
    }),
  );
  return file;
}

async function count(url: string, table: 'messages' | 'invoices'): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const r = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    return r.rows[0]!.n;
  } catch {
    return -1;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The chaos side: kills during ingest, kills during the invoice run, one PostgreSQL restart, then completion. */
async function chaos(
  side: Side,
  log: string,
  clean: {
    readonly ingestMs: number;
    readonly invoiceMs: number;
    readonly messages: number;
    readonly invoices: number;
  },
  opts: Options,
  restart: (afterInvoices: number) => Promise<string>,
): Promise<string[]> {
  const rand = random(opts.seed);
  // Even kills at a random moment of the clean run's duration, odd ones at a random count of stored rows.
  const moment = (k: number, ms: number, rows: number) =>
    k % 2 === 0
      ? { delayMs: Math.round(ms * (0.1 + 0.85 * rand())) }
      : { target: 1 + Math.floor(rand() * (rows - 1)) };
  const events: string[] = [];
  for (let k = 0; k < opts.kills; k++) {
    const at = moment(k, clean.ingestMs, clean.messages);
    events.push(await killAt(INGEST(log), side, at, () => count(side.url, 'messages'), 'messages'));
  }
  const ingest = await complete(INGEST(log), side);
  events.push(`ingest completed (exit ${ingest.code})`);
  // The restart first, while the run has invoices left to issue; then the kills.
  events.push(await restart(1 + Math.floor(rand() * (clean.invoices - 1))));
  for (let k = 0; k < opts.kills; k++) {
    const at = moment(k, clean.invoiceMs, clean.invoices);
    events.push(await killAt(INVOICE, side, at, () => count(side.url, 'invoices'), 'invoices'));
  }
  const invoice = await complete(INVOICE, side);
  events.push(`invoice completed (exit ${invoice.code})`);
  return events;
}

function report(clean: Figures, dirty: Figures): number {
  let differences = 0;
  const width = Math.max(...Object.keys(clean).map((k) => k.length));
  for (const [key, value] of Object.entries(clean)) {
    const other = dirty[key];
    const same = other === value;
    if (!same) differences += 1;
    console.log(
      `  ${key.padEnd(width)}  ${String(value).padStart(34)}  ${String(other).padStart(34)}  ${same ? 'same' : 'DIFFERENT'}`,
    );
  }
  return differences;
}

/**
 * Stops PostgreSQL (`stop`) under an invoice run once it has issued `afterInvoices`; the caller starts it again.
 * The run must end with one clear line naming DATABASE_URL: no driver text, no stack trace.
 */
async function restartUnderInvoice(
  side: Side,
  afterInvoices: number,
  stop: () => Promise<void>,
): Promise<string> {
  const { done } = command(INVOICE[0], INVOICE[1], side);
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  while (!exited && (await count(side.url, 'invoices')) < afterInvoices) await sleep(10);
  await stop();
  const cut = await done;
  if (cut.code === 0)
    return `PostgreSQL restarted after the invoice run had finished (target ${afterInvoices} invoices)`;
  // Progress lines may come first; the error is the one last line.
  const last = cut.stderr.trim().split('\n').at(-1) ?? '';
  if (cut.code !== 1 || !last.startsWith('The database DATABASE_URL=') || /\n\s+at |ECONN/.test(cut.stderr)) {
    throw new UserError(
      `the invoice run cut by the PostgreSQL restart did not end with one clear line (exit ${cut.code}):\n${cut.stderr}`,
    );
  }
  return `PostgreSQL restarted under invoice once ${afterInvoices} invoices were stored: it exited 1 with "${last.slice(0, 100)}…"`;
}

async function main(opts: Options): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tagih-chaos-'));
  const dataDir = path.join(dir, 'pg');
  const port = await freePort();
  let server: EmbeddedServer | null = await startEmbedded(dataDir, port, { flags: ['-c', 'fsync=off'] });
  try {
    const started = Date.now();
    const serverUrl = server.url('postgres');
    const customers = await customersFile(dir);
    const log = path.join(dir, `gateway-${MONTH}.jsonl`);
    const generated = await generateMonthLog({
      file: log,
      month: MONTH,
      customers: DEMO_CUSTOMERS.map((c) => c.code),
      weights: zipfWeights(DEMO_CUSTOMERS.length),
      messages: opts.messages,
      seed: opts.seed,
      firstSendingId: 10_000_000,
      badLines: true,
    });
    const sides: Side[] = [];
    for (const name of ['clean', 'chaos'] as const) {
      sides.push({
        name,
        url: await prepare(serverUrl, `tagih_${name}`, customers),
        outDir: path.join(dir, `out-${name}`),
      });
    }
    const [clean, dirty] = sides as [Side, Side];
    console.log(
      `tagih chaos: seed ${opts.seed}, ${generated.lines} log lines, ${opts.kills} kills of ingest and of invoice, one PostgreSQL restart`,
    );
    console.log(
      `replay: npm run chaos -- --seed ${opts.seed} --messages ${opts.messages} --kills ${opts.kills}\n`,
    );

    const ingestMs = (await complete(INGEST(log), clean)).ms;
    const invoiceMs = (await complete(INVOICE, clean)).ms;
    console.log(
      `clean run: ingest ${(ingestMs / 1000).toFixed(1)} s, invoice ${(invoiceMs / 1000).toFixed(1)} s`,
    );

    const restart = async (afterInvoices: number): Promise<string> => {
      const restarted = await restartUnderInvoice(dirty, afterInvoices, async () => {
        await server?.stop();
        server = null;
      });
      server = await startEmbedded(dataDir, port, { flags: ['-c', 'fsync=off'] });
      return restarted;
    };
    const totals = {
      ingestMs,
      invoiceMs,
      messages: await count(clean.url, 'messages'),
      invoices: await count(clean.url, 'invoices'),
    };
    for (const event of await chaos(dirty, log, totals, opts, restart)) console.log(`chaos: ${event}`);

    const figures = await Promise.all(sides.map((s) => chaosFigures(s.url, path.join(s.outDir, MONTH))));
    console.log(`\n  ${'figure'.padEnd(20)}  ${'clean'.padStart(34)}  ${'chaos'.padStart(34)}`);
    const differences = report(figures[0]!, figures[1]!);
    console.log(
      `\n${differences === 0 ? 'no difference' : `${differences} difference(s)`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    if (differences > 0) process.exitCode = 1;
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const whole = (name: string, min: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UserError(`${name} must be a whole number from ${min}, got '${v}'`);
  return Number(v);
};

const program = new Command('chaos')
  .description(
    'Fault suite: ingest and invoice a generated month cleanly and again under SIGKILLs at seeded random moments and one PostgreSQL restart, then compare messages, parts, statuses, invoices, numbers, detail sums and the outbox. Exits 1 on any difference.',
  )
  .option(
    '--seed <n>',
    'seed of the log and of the kill moments (default: random, printed)',
    whole('--seed', 0),
  )
  .option('--messages <n>', 'messages in the month', whole('--messages', 100), 100_000)
  .option('--kills <n>', 'SIGKILLs of each command', whole('--kills', 0), 3)
  .option('--small', 'the CI size: 15 000 messages (3 ingest batches), 2 kills each')
  .action(async (o: { seed?: number; messages: number; kills: number; small?: boolean }) => {
    await main({
      seed: o.seed ?? Math.floor(Math.random() * 1_000_000),
      messages: o.small ? 15_000 : o.messages,
      kills: o.small ? 2 : o.kills,
    });
  });

await runProgram(program);
