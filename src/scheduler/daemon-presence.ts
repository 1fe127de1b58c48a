import { sql } from 'kysely';
import type pg from 'pg';
import { advisoryHoldersSql, lockAdvisoryShared, unlockAdvisoryShared } from '../db/advisory-lock.ts';
import type { Db } from '../db/connect.ts';

/** Every running daemon holds this advisory lock, shared, for its lifetime: status can tell whether one runs. */
const PRESENCE = 'tagih:daemon';

const holders = advisoryHoldersSql;

export interface Presence {
  /** Other daemons on this database when this one registered. */
  readonly others: number;
  release(): Promise<void>;
}

/** Registers a daemon (one connection held until release). */
export async function registerDaemon(pool: pg.Pool): Promise<Presence> {
  const client = await pool.connect();
  try {
    await lockAdvisoryShared(client, PRESENCE);
    const { rows } = await client.query<{ n: number }>(holders('$1'), [PRESENCE]);
    let released = false;
    return {
      others: Math.max(0, (rows[0]?.n ?? 1) - 1),
      // Once only: the daemon's stop and its re-registration after an outage may both release the same presence.
      async release() {
        if (released) return;
        released = true;
        await unlockAdvisoryShared(client, PRESENCE).catch(() => {});
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
