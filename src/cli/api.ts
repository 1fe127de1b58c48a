import { Command } from 'commander';
import { ApiKeyError, addGatewayKey, listKeys, revokeGatewayKey } from '../api/api-keys.ts';
import { GATEWAY_KEY_TTL_MS } from '../api/gateway-key-cache.ts';
import { startApi } from '../api/serve-api.ts';
import type { Db } from '../db/connect.ts';
import { createLogger } from '../log.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8418 };

async function keyStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ApiKeyError) throw new UserError(error.message);
    throw error;
  }
}

/** Serves until SIGTERM/SIGINT: requests in flight commit and are answered, then the database closes. */
async function serve(): Promise<void> {
  const cfg = config();
  const log = createLogger({ level: cfg.logLevel, format: cfg.logFormat });
  let stop: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    stop = resolve;
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, `second ${signal}: exiting now; PostgreSQL rolls back the batches in flight`);
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, `${signal} received: finishing the requests in flight (again to exit at once)`);
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await withDatabase(cfg, async ({ database }) => {
    const api = await startApi(database, cfg, log, cfg.apiListen ?? DEFAULT_LISTEN);
    await stopped;
    await api.close();
  });
}

const program = new Command('api')
  .description(
    "The HTTP API for the gateway and customers (issue 13): serves on TAGIH_API_LISTEN (default 127.0.0.1:8418) until SIGTERM; 'keys' manages the gateway's keys",
  )
  .action(serve);

const keys = program.command('keys').description("The gateway's API keys (stored hashed; shown once)");

keys
  .command('add')
  .argument('<name>', 'what the key is for, e.g. gateway-1')
  .option('--json', 'print as JSON')
  .description('Make a gateway key and show it once')
  .action(async (name: string, opts: { json?: boolean }) => {
    const issued = await withDatabase(config(), ({ database }) =>
      keyStep(() => addGatewayKey(database.db, name)),
    );
    if (opts.json) printJson({ name: issued.name, key: issued.key, prefix: issued.prefix });
    else {
      console.log(`Gateway key '${issued.name}':\n\n  ${issued.key}\n`);
      console.log('It is shown only now: only its hash is kept. Send it as "Authorization: Bearer <key>".');
    }
  });

async function printKeys(db: Db, json: boolean): Promise<void> {
  const rows = await listKeys(db, 'gateway');
  if (json) {
    printJson(
      rows.map((r) => ({
        name: r.name,
        prefix: r.prefix,
        created_at: r.created_at,
        revoked_at: r.revoked_at,
      })),
    );
    return;
  }
  if (rows.length === 0) {
    console.log("No gateway keys yet. Make one with 'npm run api -- keys add NAME'.");
    return;
  }
  console.log(
    table(
      ['name', 'key starts', 'created', 'status'],
      rows.map((r) => [
        r.name,
        `${r.prefix}…`,
        r.created_at.toISOString(),
        r.revoked_at ? `revoked ${r.revoked_at.toISOString()}` : 'active',
      ]),
    ),
  );
}

keys
  .command('list')
  .option('--json', 'print as JSON')
  .description('Gateway keys: name, first characters, created, revoked')
  .action(async (opts: { json?: boolean }) => {
    await withDatabase(config(), ({ database }) => printKeys(database.db, opts.json === true));
  });

keys
  .command('revoke')
  .argument('<name-or-prefix>', 'the key name, or its first characters as listed')
  .option('--json', 'print as JSON')
  .description(
    `Revoke a gateway key: requests with it get 401 within ${GATEWAY_KEY_TTL_MS / 1000} s (a running API trusts a key it checked for that long)`,
  )
  .action(async (which: string, opts: { json?: boolean }) => {
    const revoked = await withDatabase(config(), ({ database }) =>
      keyStep(() => revokeGatewayKey(database.db, which)),
    );
    if (opts.json) printJson({ name: revoked.name, prefix: revoked.prefix, revoked_at: revoked.revoked_at });
    else {
      console.log(
        `Revoked gateway key '${revoked.name}' (${revoked.prefix}…). Requests with it get 401 within ${GATEWAY_KEY_TTL_MS / 1000} seconds (a running API trusts a key it has checked for that long).`,
      );
    }
  });

await runProgram(program);
