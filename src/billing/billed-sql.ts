import { type RawBuilder, sql } from 'kysely';
import { billedPredicate } from '../db/billed-sql.ts';

/** R2 as billed in the invoice's snapshot (see billedPredicate); `m` is the messages alias. */
export function billedIn(snapshot: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.raw(billedPredicate(snapshot))}`;
}
