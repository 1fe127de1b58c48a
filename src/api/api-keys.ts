// Issue 13: keys of the HTTP API, shown once when issued and stored as sha256 only. A key is 32 random bytes
// (256 bits), so its hash cannot be reversed or guessed by brute force: a salt or a slow hash (bcrypt, scrypt)
// protects low-entropy passwords and would only slow down every request here.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

export type KeyKind = 'gateway' | 'customer';

const PREFIX: Record<KeyKind, string> = { gateway: 'tgk_', customer: 'tck_' };

export interface IssuedKey {
  readonly id: number;
  readonly name: string;
  /** The key itself: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
}

export interface StoredKey {
  readonly id: number;
  readonly kind: KeyKind;
  readonly name: string;
  readonly customer_code: string | null;
  readonly prefix: string;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
}

export interface KeyOwner {
  readonly id: number;
  readonly name: string;
  readonly customerId: number | null;
}

export class ApiKeyError extends Error {
  override readonly name = 'ApiKeyError';
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function newKey(kind: KeyKind): { key: string; prefix: string } {
  const key = `${PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12) };
}

/** A new gateway key named `name` (one active key per name). */
export async function addGatewayKey(db: Db, name: string): Promise<IssuedKey> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new ApiKeyError(
      `Key name '${name.slice(0, 70)}' is not allowed: use letters, digits, '.', '_' or '-' (e.g. gateway-1).`,
    );
  }
  const { key, prefix } = newKey('gateway');
  const row = await db
    .insertInto('api_keys')
    .values({ kind: 'gateway', name, key_hash: hashKey(key), key_prefix: prefix })
    .onConflict((oc) =>
      oc.column('name').where('kind', '=', 'gateway').where('revoked_at', 'is', null).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    throw new ApiKeyError(
      `A gateway key named '${name}' is already active. Revoke it first ('npm run api -- keys revoke ${name}') or choose another name.`,
    );
  }
  return { id: row.id, name, key, prefix };
}

/** R-issue 13: a customer's key for POST /v1/balance; issuing one revokes the customer's earlier keys. */
export async function issueCustomerKey(db: Db, code: string): Promise<IssuedKey> {
  const { key, prefix } = newKey('customer');
  return db.transaction().execute(async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .select(['id', 'status'])
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirst();
    if (!customer)
      throw new ApiKeyError(`No customer '${code}'. Check the code with 'npm run customers -- list'.`);
    if (customer.status === 'closed') throw new ApiKeyError(`${code} is closed; it cannot get an API key.`);
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('customer_id', '=', customer.id)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await trx
      .insertInto('api_keys')
      .values({
        kind: 'customer',
        name: code,
        customer_id: customer.id,
        key_hash: hashKey(key),
        key_prefix: prefix,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, name: code, key, prefix };
  });
}

export async function listKeys(db: Db, kind: KeyKind): Promise<ReadonlyArray<StoredKey>> {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('customers as c', 'c.id', 'k.customer_id')
    .select([
      'k.id',
      'k.kind',
      'k.name',
      'c.code as customer_code',
      'k.key_prefix as prefix',
      'k.created_at',
      'k.revoked_at',
    ])
    .where('k.kind', '=', kind)
    .orderBy('k.revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('k.name')
    .execute();
}

/** Revokes the active gateway key named `nameOrPrefix`, or the one whose key starts with it (as listed). */
export async function revokeGatewayKey(db: Db, nameOrPrefix: string): Promise<StoredKey> {
  const rows = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('kind', '=', 'gateway')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('name', '=', nameOrPrefix), eb('key_prefix', '=', nameOrPrefix)]))
    .returning(['id', 'kind', 'name', 'key_prefix as prefix', 'created_at', 'revoked_at'])
    .execute();
  if (rows.length === 0) {
    throw new ApiKeyError(
      `No active gateway key named or starting '${nameOrPrefix.slice(0, 70)}'. See 'npm run api -- keys list'.`,
    );
  }
  return { ...rows[0]!, customer_code: null };
}

/** The active key's owner, or null for an unknown or revoked key. */
export async function findKey(db: Db, kind: KeyKind, key: string): Promise<KeyOwner | null> {
  if (!key.startsWith(PREFIX[kind]) || key.length > 100) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'customer_id'])
    .where('key_hash', '=', hashKey(key))
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, customerId: row.customer_id } : null;
}
