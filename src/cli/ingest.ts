import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type pg from 'pg';
import { reportInvoicedMonthArrivals, snapshotNow } from '../billing/invoiced-month-arrivals.ts';
import { QuotaRechecker } from '../billing/quota/quota-recheck.ts';
import { type IngestOptions, type IngestSummary, ingestLogs, replayRejected } from '../ingest/ingest-log.ts';
import { LogReadError, type LogSource, logSource } from '../ingest/read-lines.ts';
import {
  DiscardRefused,
  type DiscardWhat,
  discardRejected,
  openRejectedLines,
  type PurgeReport,
  purgeExpiredLines,
  rejectedLineIds,
} from '../ingest/rejected-lines.ts';
import { createLogger } from '../log.ts';
import { ingestProgress } from './ingest-progress.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const LISTED = 50;
const DISCARD_HINT =
  "fix them in the source file and ingest it again, or close them: npm run ingest -- --discard ID… --reason '…' (or --all-unfixable)";

interface Options {
  readonly replay?: boolean;
  readonly json?: boolean;
  readonly discard?: string[];
  readonly allUnfixable?: boolean;
  readonly reason?: string;
}

function printPurge(purge: PurgeReport): void {
  if (purge.lines === 0) return;
  console.log(
    `Closed ${purge.lines} rejected line(s) open longer than ${purge.days} days (TAGIH_REJECTED_RETENTION_DAYS); their texts are removed:`,
  );
  for (const f of purge.files) console.log(`  ${f.file}: ${f.lines} line(s), ${f.fixable} of them fixable`);
  console.log('');
}

function report(summary: IngestSummary, ids: ReadonlyMap<string, number>): void {
  console.log(
    [
      `lines read:         ${summary.linesRead}`,
      `messages loaded:    ${summary.messagesLoaded}`,
      `duplicates:         ${summary.duplicates}`,
      `reports applied:    ${summary.reportsApplied}`,
      `reports waiting:    ${summary.reportsWaiting} (for a send record not loaded yet)`,
      `rejected lines:     ${summary.rejected}`,
      `warnings:           ${summary.warned} (loaded; see below)`,
    ].join('\n'),
  );
  if (summary.warned > 0) {
    console.log('\nLoaded with a warning:');
    for (const w of summary.warnings.slice(0, LISTED)) console.log(`  ${w.file}:${w.line}: ${w.reason}`);
    if (summary.warned > LISTED) console.log(`  … and ${summary.warned - LISTED} more (use --json for all)`);
  }
  if (summary.rejected > 0) {
    console.log('\nRejected (kept in the database; fix the cause, then run: npm run ingest -- --replay):');
    for (const r of summary.rejections.slice(0, LISTED)) {
      const id = ids.get(`${r.file}:${r.line}`);
      console.log(`  ${id === undefined ? '' : `#${id} `}${r.file}:${r.line}: ${r.reason}`);
    }
    if (summary.rejected > LISTED)
      console.log(`  … and ${summary.rejected - LISTED} more (use --json for all)`);
  }
}

async function totalBytes(sources: ReadonlyArray<LogSource>): Promise<number | null> {
  let total = 0;
  for (const s of sources) {
    const size = await s.size();
    if (size === null) return null;
    total += size;
  }
  return total;
}

/** Loads the files (or replays), with progress on standard error; a file that cannot be read is a user error. */
async function run(
  pool: pg.Pool,
  files: string[],
  opts: Options,
  storeMessageText: boolean,
  afterBatch: IngestOptions['afterBatch'],
) {
  const sources = files.map((f) => logSource(f));
  const total = opts.replay ? null : await totalBytes(sources);
  const progress = opts.json
    ? null
    : ingestProgress({
        stream: process.stderr,
        bytes: () => ({ done: sources.reduce((n, s) => n + s.bytesRead(), 0), total }),
      });
  const options: IngestOptions = {
    afterBatch,
    storeMessageText,
    maxListed: opts.json ? 100_000 : LISTED,
    onProgress: progress ? (n) => progress.update(n) : undefined,
  };
  try {
    const summary = opts.replay
      ? await replayRejected(pool, options)
      : await ingestLogs(pool, sources, options);
    progress?.stop(summary.linesRead);
    return summary;
  } catch (error) {
    progress?.stop(0);
    if (error instanceof LogReadError) throw new UserError(error.message);
    throw error;
  }
}

async function discard(pool: pg.Pool, opts: Options): Promise<void> {
  const what: DiscardWhat = opts.allUnfixable
    ? { allUnfixable: true }
    : { ids: (opts.discard ?? []).map((id) => Number(id)) };
  try {
    const closed = await discardRejected(pool, what, opts.reason!);
    if (opts.json) printJson({ discarded: closed });
    else {
      console.log(`Discarded ${closed.length} rejected line(s) (their texts are removed):`);
      for (const l of closed) console.log(`  #${l.id} ${l.file}:${l.line}: ${l.reason}`);
    }
  } catch (error) {
    if (error instanceof DiscardRefused) {
      throw new UserError(
        `Nothing was discarded: ${error.ids.map((id) => `#${id}`).join(', ')} is not an open rejected line. See them with: npm run ingest -- --replay`,
      );
    }
    throw error;
  }
}

function checkArguments(files: string[], opts: Options): void {
  const discarding = opts.discard !== undefined || opts.allUnfixable === true;
  if (discarding) {
    if (files.length > 0 || opts.replay)
      throw new UserError('--discard and --all-unfixable take no files and no --replay.');
    if (opts.discard !== undefined && opts.allUnfixable)
      throw new UserError('Give either --discard ID… or --all-unfixable.');
    if (!opts.reason?.trim())
      throw new UserError("Say why with --reason '…' (kept with the discarded lines).");
    const bad = (opts.discard ?? []).filter((id) => !/^[1-9]\d{0,15}$/.test(id));
    if (bad.length > 0)
      throw new UserError(
        `--discard takes the ids of rejected lines (e.g. 12); not: ${bad.join(', ').slice(0, 80)}`,
      );
    return;
  }
  if (opts.reason !== undefined) throw new UserError('--reason goes with --discard or --all-unfixable.');
  if (!opts.replay && files.length === 0) {
    throw new UserError("Name at least one log file (or '-' for standard input), or use --replay.");
  }
  if (opts.replay && files.length > 0)
    throw new UserError('--replay takes no files: it retries the rejected lines.');
  const missing = files.filter((f) => f !== '-' && !existsSync(f));
  if (missing.length > 0) throw new UserError(`No such file: ${missing.join(', ')}. Nothing was loaded.`);
}

const program = new Command('ingest')
  .description(
    "Load the gateway's send log and delivery reports (JSON lines, gzipped too; '-' reads standard input). Every run first closes rejected lines open longer than TAGIH_REJECTED_RETENTION_DAYS (default 30)",
  )
  .argument('[files...]', 'JSON-lines files')
  .option(
    '--replay',
    'try the open rejected lines again (e.g. after adding a missing customer); exit 0 when none fixable is left',
  )
  .option('--discard <ids...>', 'close rejected lines that can never load (ids as listed), keeping no text')
  .option(
    '--all-unfixable',
    'close every open rejected line that no replay can load (bad JSON, number, time…)',
  )
  .option('--reason <text>', 'why the lines are discarded (required with --discard and --all-unfixable)')
  .option('--json', 'print the summary as JSON')
  .action(async (files: string[], opts: Options) => {
    checkArguments(files, opts);
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const purged = await purgeExpiredLines(database.pool, cfg.rejectedRetentionDays, new Date());
      if (!opts.json) printPurge(purged);
      if (opts.discard !== undefined || opts.allUnfixable) return discard(database.pool, opts);
      // Issue 13 / R10: each committed batch has its customers' quota checked again at once, not at the next hour.
      const log = createLogger({ level: 'warn', format: cfg.logFormat, destination: process.stderr });
      const quota = new QuotaRechecker(database, log);
      const before = await snapshotNow(database.db);
      const summary = await run(
        database.pool,
        files,
        opts,
        cfg.storeMessageText,
        (ids) => void quota.recheck(ids),
      ).finally(() => quota.idle());
      const open = opts.replay ? await openRejectedLines(database.pool, LISTED) : null;
      if (!opts.json) {
        report(summary, await rejectedLineIds(database.pool, summary.rejections.slice(0, LISTED)));
        if (open) printOpen(open);
      }
      // R7: records for a month already invoiced are reported with their customers and value.
      const invoicedMonths = await reportInvoicedMonthArrivals(database.db, before, !opts.json);
      if (opts.json) printJson({ ...summary, purged, ...(open ? { open } : {}), invoicedMonths });
      // R2/issue 17: a replay succeeds when nothing a replay could load is left; a file run, when nothing was rejected.
      process.exitCode = (open ? open.fixable : summary.rejected) > 0 ? 2 : 0;
    });
  });

function printOpen(open: Awaited<ReturnType<typeof openRejectedLines>>): void {
  console.log(
    `\nStill open: ${open.fixable} line(s) a replay can load once their customer or product exists, ${open.unfixable} that can never load as they are.`,
  );
  for (const l of open.lines) {
    console.log(`  #${l.id} ${l.file}:${l.line}${l.fixable ? '' : ' (never loads as it is)'}: ${l.reason}`);
  }
  if (open.unfixable > 0) console.log(`For those that never load: ${DISCARD_HINT}`);
}

await runProgram(program);
