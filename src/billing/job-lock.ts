import type pg from 'pg';

/**
 * Runs `fn` holding a PostgreSQL advisory lock named `name` on a connection of its own, so two copies of a job
 * (the scheduler and a clerk, or two daemons) never run at once. A second copy waits, after calling `onWait`.
 * The lock is released when `fn` ends, or by PostgreSQL if the process dies.
 */
export async function withJobLock<T>(
  pool: pg.Pool,
  name: string,
  onWait: (() => void) | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    const key = `tagih:${name}`;
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
    if (!got.rows[0]?.ok) {
      onWait?.();
      await client.query('select pg_advisory_lock(hashtext($1))', [key]);
    }
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/** Like withJobLock, but gives up at once (returns null) when another copy holds the lock. */
export async function tryJobLock<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T | null> {
  const client = await pool.connect();
  try {
    const key = `tagih:${name}`;
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
    if (!got.rows[0]?.ok) return null;
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
