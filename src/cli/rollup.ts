import { Command } from 'commander';
import { runRollup } from '../billing/quota/rollup.ts';
import { rollupCounts } from '../scheduler/job-counts.ts';
import { recordJobRun } from '../scheduler/job-runs.ts';
import { isoDateOption } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('rollup')
  .description(
    'Bring the daily usage rollups up to date (R10): every day a late message or delivery report touched is recomputed from the messages',
  )
  .option('--from <YYYY-MM-DD>', 'also recompute every day from this WIB day …')
  .option('--to <YYYY-MM-DD>', '… up to this one, inclusive (default: --from)')
  .option('--json', 'print the summary as JSON')
  .action(async (opts: { from?: string; to?: string; json?: boolean }) => {
    if (opts.to !== undefined && opts.from === undefined) throw new UserError('--to needs --from.');
    const from = opts.from === undefined ? undefined : isoDateOption(opts.from, '--from');
    const to = opts.to === undefined ? from : isoDateOption(opts.to, '--to');
    if (from !== undefined && to !== undefined && to < from) {
      throw new UserError(`--to ${to} is before --from ${from}.`);
    }
    const summary = await withDatabase(config(), ({ database }) =>
      recordJobRun(
        database,
        'rollup',
        'manual',
        () => runRollup(database.db, from === undefined || to === undefined ? undefined : { from, to }),
        { countsOf: rollupCounts },
      ),
    );
    if (opts.json) printJson(summary);
    else
      console.log(
        `Recomputed ${summary.days} customer-day(s), ${summary.rows} usage row(s) written${from ? ` (${summary.marked} day(s) from ${from} to ${to} marked)` : ''}.`,
      );
  });

await runProgram(program);
