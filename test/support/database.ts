import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/connect.ts';

export interface TestDatabase {
  readonly db: Db;
  readonly pool: pg.Pool;
  /** Connection string of this test's own database, e.g. for DATABASE_URL of a CLI run. */
  readonly url: string;
  close(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file (a copy of the migrated template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  return createOwnDatabase(`template ${inject('pgTemplate')}`);
}

/** A fresh database with no tables at all, for a test that runs the migrations itself (up to a given one). */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  return createOwnDatabase('');
}

async function createOwnDatabase(template: string): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const name = `tagih_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const { db, pool } = createDb(url, 5);
  return {
    db,
    pool,
    url,
    close: async () => {
      await db.destroy();
      const drop = new pg.Client({ connectionString: serverUrl });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}
