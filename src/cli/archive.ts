import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { parseYearMonth } from '../domain/period.ts';
import { ArchiveRefused, archiveBefore, restoreArchive } from '../partitions/archive.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

async function refusedAsUserError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ArchiveRefused) throw new UserError(error.message);
    throw error;
  }
}

const program = new Command('archive')
  .description(
    'Archive old months of messages: each monthly partition before --before goes to a gzipped CSV with a sha256 beside it, and leaves the database; --restore brings one back',
  )
  .option('--before <YYYY-MM>', 'archive every month before this one (their invoices must all be settled)')
  .option('--restore <file>', 'bring back one archived month from its messages-YYYY-MM.csv.gz')
  .option('--dir <folder>', 'where the archives go (default: <TAGIH_OUT>/archive)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { before?: string; restore?: string; dir?: string; json?: boolean }) => {
    if ((opts.before === undefined) === (opts.restore === undefined))
      throw new UserError('Give either --before YYYY-MM or --restore FILE.');
    if (opts.before !== undefined && parseYearMonth(opts.before) === null)
      throw new UserError(`--before '${opts.before}' is not a month; expected YYYY-MM, e.g. 2026-01.`);
    if (opts.restore !== undefined && !existsSync(opts.restore))
      throw new UserError(`No such file: ${opts.restore}. Nothing was restored.`);
    const cfg = config();
    const dir = path.resolve(opts.dir ?? path.join(cfg.outDir, 'archive'));
    const result = await withDatabase(cfg, ({ database }) =>
      refusedAsUserError(async () =>
        opts.restore !== undefined
          ? [await restoreArchive(database.pool, opts.restore)]
          : await archiveBefore(database.pool, opts.before!, dir, new Date()),
      ),
    );
    if (opts.json) printJson(result);
    else if (result.length === 0) console.log(`No month before ${opts.before} is left in the database.`);
    else
      for (const a of result)
        console.log(
          `${opts.restore ? 'restored' : 'archived'} ${a.month}: ${a.rows} messages, ${a.file} (sha256 ${a.sha256})`,
        );
  });

await runProgram(program);
