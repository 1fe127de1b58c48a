import type pg from 'pg';
import { lockAdvisory, tryLockAdvisory, unlockAdvisory } from '../db/advisory-lock.ts';

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
    if (!(await tryLockAdvisory(client, key))) {
      onWait?.();
      await lockAdvisory(client, key);
    }
    try {
      return await fn();
    } finally {
      await unlockAdvisory(client, key).catch(() => {});
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
    if (!(await tryLockAdvisory(client, key))) return null;
    try {
      return await fn();
    } finally {
      await unlockAdvisory(client, key).catch(() => {});
    }
  } finally {
    client.release();
  }
}
