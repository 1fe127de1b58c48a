import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { reportInvoicedMonthArrivals, snapshotNow } from '../billing/invoiced-month-arrivals.ts';
import { type IngestSummary, ingestLogs, replayRejected } from '../ingest/ingest-log.ts';
import { logSource } from '../ingest/read-lines.ts';
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
      const options = {
        storeMessageText: cfg.storeMessageText,
        maxListed: opts.json ? 100_000 : 50,
        onProgress:
          process.stderr.isTTY && !opts.json
            ? (n: number) => process.stderr.write(`\r${n} lines…`)
            : undefined,
      };
      const before = await snapshotNow(database.db);
      const result = opts.replay
        ? await replayRejected(database.pool, options)
        : await ingestLogs(
            database.pool,
            files.map((f) => logSource(f)),
            options,
          );
      if (options.onProgress) process.stderr.write('\r');
      if (!opts.json) report(result, 50);
      // R7: records for a month already invoiced are reported with their customers and value.
      const invoicedMonths = await reportInvoicedMonthArrivals(database.db, before, !opts.json);
      return { ...result, invoicedMonths };
    });
    if (opts.json) printJson(summary);
    process.exitCode = summary.rejected > 0 ? 2 : 0;
  });

await runProgram(program);
