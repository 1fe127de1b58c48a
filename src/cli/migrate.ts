import { Command } from 'commander';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { config, printJson, runProgram } from './run-command.ts';

const program = new Command('migrate')
  .description('Apply pending database migrations (safe to run again)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const database = await openDatabase(config());
    try {
      const outcome = await migrateToLatest(database.db);
      if (opts.json) printJson({ database: database.safeUrl, ...outcome });
      else if (outcome.applied.length === 0) {
        console.log(`${database.safeUrl}: up to date (${outcome.total} migrations).`);
      } else {
        console.log(`${database.safeUrl}: applied ${outcome.applied.length} migration(s):`);
        for (const name of outcome.applied) console.log(`  ${name}`);
      }
    } finally {
      await database.close();
    }
  });

await runProgram(program);
