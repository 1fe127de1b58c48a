import type pg from 'pg';

// Every advisory lock tagih takes goes through here: one key scheme (hashtext of a 'tagih:…' name, session level),
// so two places can never name the same lock two ways. A lock dies with its connection, so a killed process frees it.

/** Something to send a query on: a pooled client or a dedicated session. */
type Session = Pick<pg.PoolClient, 'query'>;

/** Takes the exclusive lock `key`, waiting for it. */
export async function lockAdvisory(session: Session, key: string): Promise<void> {
  await session.query('select pg_advisory_lock(hashtext($1))', [key]);
}

/** Takes the exclusive lock `key` if free; false when another session holds it. */
export async function tryLockAdvisory(session: Session, key: string): Promise<boolean> {
  const got = await session.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
  return got.rows[0]?.ok === true;
}

/** Releases the exclusive lock `key`. */
export async function unlockAdvisory(session: Session, key: string): Promise<void> {
  await session.query('select pg_advisory_unlock(hashtext($1))', [key]);
}

/** Takes the lock `key` shared (any number of holders), waiting for it. */
export async function lockAdvisoryShared(session: Session, key: string): Promise<void> {
  await session.query('select pg_advisory_lock_shared(hashtext($1))', [key]);
}

/** Releases the shared lock `key`. */
export async function unlockAdvisoryShared(session: Session, key: string): Promise<void> {
  await session.query('select pg_advisory_unlock_shared(hashtext($1))', [key]);
}

/**
 * SQL counting the sessions that hold the lock whose key is the SQL text expression `keySql` ('$1' or a quoted
 * literal): pg_locks splits the bigint key of hashtext into classid (high 32 bits) and objid (low 32 bits).
 */
export function advisoryHoldersSql(keySql: string): string {
  return `
  select count(distinct pid)::int as n from pg_locks
  where locktype = 'advisory' and objsubid = 1 and granted
    and database = (select oid from pg_database where datname = current_database())
    and classid = ((hashtext(${keySql})::bigint >> 32) & 4294967295)::oid
    and objid = (hashtext(${keySql})::bigint & 4294967295)::oid`;
}
