// Issue 13: the HTTP API parses every batch against the same customers, products and operator prefixes until
// finance changes one of them. Reading them afresh was 2.3 ms of PostgreSQL per 1 000-line batch at 1 000 customers,
// growing with the customer list; a version row bumped by every such change (migration
// 2026-12-02-13-ingest-context-version) now says whether the context kept is still the one in the database.
import type pg from 'pg';
import { loadVersionedContext } from './ingest-log.ts';
import type { ParseContext } from './parse-line.ts';

export class ParseContextCache {
  private kept: { readonly version: string; readonly ctx: ParseContext } | null = null;

  /**
   * The context as of now: the one kept when its version is still current (one primary-key read), else read again.
   * The customers, products and prefixes of a kept context are the same objects each time, so a parser thread that
   * has them already is not sent them again (createBatchParser).
   */
  async get(client: pg.PoolClient, storeMessageText: boolean, now: Date): Promise<ParseContext> {
    const kept = this.kept;
    if (kept !== null && kept.ctx.storeMessageText === storeMessageText) {
      const r = await client.query<{ version: string }>(
        'select version::text as version from ingest_context_version',
      );
      if (r.rows[0]?.version === kept.version) return { ...kept.ctx, now };
    }
    const fresh = await loadVersionedContext(client, storeMessageText, now);
    this.kept = fresh;
    return fresh.ctx;
  }
}
