import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Config } from '../config.ts';
import { startEmbedded } from './embedded.ts';
import type { DB } from './schema.ts';

// int8 (count, sum, bigint money) as a JavaScript number, refusing anything a double cannot hold exactly.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${value} is beyond the safe range of a number`);
  return n;
});
// date as the plain 'YYYY-MM-DD' it is: never a Date shifted by the host's time zone.
pg.types.setTypeParser(1082, (value: string) => value);

export type Db = Kysely<DB>;

export interface Database {
  readonly db: Db;
  readonly pool: pg.Pool;
  /** Connection string without its password, for messages. */
  readonly safeUrl: string;
  close(): Promise<void>;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://(unparseable URL)';
  }
}

export function createDb(connectionString: string, max = 10): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, application_name: 'tagih' });
  pool.on('error', () => {
    // An idle client lost its server (e.g. shutdown); the next query reports it.
  });
  // A client checked out but between queries (a held advisory lock's session) that loses its server emits
  // 'error' with no listener, which would end the process with a stack trace; its next query reports the loss.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return { db, pool };
}

/** Opens the configured database: DATABASE_URL, or the embedded default (started, and stopped on close). */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    const { db, pool } = createDb(config.databaseUrl);
    return { db, pool, safeUrl: redactUrl(config.databaseUrl), close: () => db.destroy() };
  }
  const server = await startEmbedded(config.dataDir, config.embeddedPort);
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', ['tagih']);
    if (exists.rowCount === 0) await admin.query('create database tagih');
  } catch (error) {
    // A concurrent command may have created it first.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
  const url = server.url('tagih');
  const { db, pool } = createDb(url);
  return {
    db,
    pool,
    safeUrl: `embedded PostgreSQL in ${config.dataDir}`,
    close: async () => {
      await db.destroy();
      await server.stop();
    },
  };
}
