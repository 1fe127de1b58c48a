import { type Command, CommanderError } from 'commander';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { type Database, openDatabase, redactUrl } from '../db/connect.ts';
import { connectionProblem, databaseProblemLine } from '../db/connection-errors.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { snakeJson } from './json-output.ts';

/** A failure the user can fix: printed as is, without a stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface CommandContext {
  readonly config: Config;
  readonly database: Database;
}

async function pendingMigrations(database: Database): Promise<number> {
  const exists = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(
    database.db,
  );
  if (!exists.rows[0]?.t) return Object.keys(migrations).length;
  const done = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(database.db);
  return Object.keys(migrations).length - (done.rows[0]?.n ?? 0);
}

/**
 * Opens the database for a command and closes it afterwards, whatever happens. The embedded default is migrated
 * on the fly (a new user needs nothing); a server of one's own must be migrated with `npm run migrate`.
 */
export async function withDatabase<T>(config: Config, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    if (config.databaseUrl === null) await migrateToLatest(database.db);
    else {
      const pending = await pendingMigrations(database);
      if (pending > 0) {
        throw new UserError(
          `The database ${database.safeUrl} has ${pending} migration(s) not yet applied. Run 'npm run migrate' first.`,
        );
      }
    }
    return await fn({ config, database });
  } finally {
    await database.close();
  }
}

/** Runs a command-line program: parses, reports errors as a finance user can act on, sets the exit code. */
export async function runProgram(
  program: Command,
  argv: ReadonlyArray<string> = process.argv,
): Promise<void> {
  // A closed pipe (e.g. `| head`) ends the output quietly, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end 'with an error' of code 0.
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration: ${error.message}\n`);
    return 1;
  }
  const problem = connectionProblem(error);
  if (problem !== null) {
    // Issue 17: one line naming the database and what to check, never a driver's 'connect ECONNREFUSED …'.
    process.stderr.write(`${databaseProblemLine(configuredDatabase(), problem)}\n`);
    if (process.env.TAGIH_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Failed: ${message}\n`);
  if (process.env.TAGIH_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  return 1;
}

/** The database the command was configured with, as it may be shown (no password). */
function configuredDatabase(): { readonly embedded: boolean; readonly safeUrl: string } {
  const cfg = loadConfig();
  return cfg.databaseUrl === null
    ? { embedded: true, safeUrl: `embedded PostgreSQL in ${cfg.dataDir}` }
    : { embedded: false, safeUrl: redactUrl(cfg.databaseUrl) };
}

export function config(): Config {
  return loadConfig();
}

/** Prints a command's --json output, its keys in snake_case (issue 17: one casing for every command). */
export function printJson(value: unknown): void {
  process.stdout.write(`${snakeJson(value)}\n`);
}
