// Issue 13: the permission route is asked hundreds of times a second with the same few gateway keys; a look-up of
// api_keys per request would be most of its work. Only positive answers are kept, for a short time: an unknown key
// is looked up every time (nothing an attacker sends fills the cache), and a revoked key stops working within
// GATEWAY_KEY_TTL_MS (what `npm run api -- keys revoke` says).
import type { Db } from '../db/connect.ts';
import { findKey, hashKey, type KeyOwner } from './api-keys.ts';

/** How long an accepted gateway key is trusted without asking the database again. */
export const GATEWAY_KEY_TTL_MS = 5_000;

/** Far more than the gateway's keys; a bound all the same, so the map cannot grow without end. */
const MAX_ENTRIES = 1_000;

export class GatewayKeyCache {
  private readonly entries = new Map<string, { readonly owner: KeyOwner; readonly until: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
    private readonly ttlMs: number = GATEWAY_KEY_TTL_MS,
  ) {}

  /** The active key's owner, or null for an unknown or revoked one (as findKey, at most ttlMs late on a revoke). */
  async owner(key: string): Promise<KeyOwner | null> {
    // The hash, not the key, is the map's key: the process holds no key in the clear longer than the request.
    const id = hashKey(key).toString('base64');
    const now = this.clock();
    const hit = this.entries.get(id);
    if (hit && hit.until > now) return hit.owner;
    if (hit) this.entries.delete(id);
    const owner = await findKey(this.db, 'gateway', key);
    if (owner !== null) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { owner, until: now + this.ttlMs });
    }
    return owner;
  }
}
