import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { QuotaRechecker } from '../billing/quota-recheck.ts';
import { type IngestSummary, ingestLogs, replayRejected } from '../ingest/ingest-log.ts';
import { logSource } from '../ingest/read-lines.ts';
import { createLogger } from '../log.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

function report(summary: IngestSummary, listed: number): void {
  console.log(
    [
      `lines read:         ${summary.linesRead}`,
      `messages loaded:    ${summary.messagesLoaded}`,
      `duplicates:         ${summary.duplicates}`,
      `reports applied:    ${summary.reportsApplied}`,
      `reports waiting:    ${summary.reportsWaiting} (for a send record not loaded yet)`,
      `rejected lines:     ${summary.rejected}`,
    ].join('\n'),
  );
  if (summary.rejected > 0) {
    console.log('\nRejected (kept in the database; fix the cause, then run: npm run ingest -- --replay):');
    for (const r of summary.rejections.slice(0, listed)) console.log(`  ${r.file}:${r.line}: ${r.reason}`);
    if (summary.rejected > listed)
      console.log(`  … and ${summary.rejected - listed} more (use --json for all)`);
  }
}

const program = new Command('ingest')
  .description(
    "Load the gateway's send log and delivery reports (JSON lines, .gz too; '-' reads standard input)",
  )
  .argument('[files...]', 'JSON-lines files')
  .option('--replay', 'try the rejected lines again (e.g. after adding a missing customer)')
  .option('--json', 'print the summary as JSON')
  .action(async (files: string[], opts: { replay?: boolean; json?: boolean }) => {
    if (!opts.replay && files.length === 0) {
      throw new UserError("Name at least one log file (or '-' for standard input), or use --replay.");
    }
    if (opts.replay && files.length > 0)
      throw new UserError('--replay takes no files: it retries the rejected lines.');
    const missing = files.filter((f) => f !== '-' && !existsSync(f));
    if (missing.length > 0) throw new UserError(`No such file: ${missing.join(', ')}. Nothing was loaded.`);
    const cfg = config();
    const summary = await withDatabase(cfg, async ({ database }) => {
      // Issue 13 / R10: each committed batch has its customers' quota checked again at once, not at the next hour.
      const log = createLogger({ level: 'warn', format: cfg.logFormat, destination: process.stderr });
      const quota = new QuotaRechecker(database, log);
      const options = {
        afterBatch: (ids: ReadonlySet<number>) => void quota.recheck(ids),
        storeMessageText: cfg.storeMessageText,
        maxListed: opts.json ? 100_000 : 50,
        onProgress:
          process.stderr.isTTY && !opts.json
            ? (n: number) => process.stderr.write(`\r${n} lines…`)
            : undefined,
      };
      try {
        const result = opts.replay
          ? await replayRejected(database.pool, options)
          : await ingestLogs(
              database.pool,
              files.map((f) => logSource(f)),
              options,
            );
        if (options.onProgress) process.stderr.write('\r');
        return result;
      } finally {
        await quota.idle();
      }
    });
    if (opts.json) printJson(summary);
    else report(summary, 50);
    process.exitCode = summary.rejected > 0 ? 2 : 0;
  });

await runProgram(program);
