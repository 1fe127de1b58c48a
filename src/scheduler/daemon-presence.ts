import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/connect.ts';

/** Every running daemon holds this advisory lock, shared, for its lifetime: status can tell whether one runs. */
const PRESENCE = 'tagih:daemon';

const holders = (param: string) => `
  select count(distinct pid)::int as n from pg_locks
  where locktype = 'advisory' and objsubid = 1 and granted
    and database = (select oid from pg_database where datname = current_database())
    and classid = ((hashtext(${param})::bigint >> 32) & 4294967295)::oid
    and objid = (hashtext(${param})::bigint & 4294967295)::oid`;

export interface Presence {
  /** Other daemons on this database when this one registered. */
  readonly others: number;
  release(): Promise<void>;
}

/** Registers a daemon (one connection held until release). */
export async function registerDaemon(pool: pg.Pool): Promise<Presence> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock_shared(hashtext($1))', [PRESENCE]);
    const { rows } = await client.query<{ n: number }>(holders('$1'), [PRESENCE]);
    return {
      others: Math.max(0, (rows[0]?.n ?? 1) - 1),
      async release() {
        await client.query('select pg_advisory_unlock_shared(hashtext($1))', [PRESENCE]).catch(() => {});
        client.release();
      },
    };
  } catch (error) {
    client.release();
    throw error;
  }
}

/** How many daemons run on this database now. */
export async function runningDaemons(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`${sql.raw(holders(`'${PRESENCE}'`))}`.execute(db);
  return rows[0]?.n ?? 0;
}
