import { type RawBuilder, sql } from 'kysely';

/**
 * R2 as billed: a message counts when the invoice's snapshot saw it and it was billable then. Cancel/Reject are
 * final and every other status is billable, so a message that turned Cancel/Reject after the snapshot was billable
 * in it. `m` is the messages alias; `snapshot` a pg_snapshot (text) kept with the invoice.
 */
export function billedIn(snapshot: string): RawBuilder<boolean> {
  return sql<boolean>`(m.sending_status = 10
    and pg_visible_in_snapshot(m.ingest_xid, ${snapshot}::pg_snapshot)
    and (coalesce(m.delivery_status, 0) not in (5, 6)
      or (m.delivery_xid is not null and not pg_visible_in_snapshot(m.delivery_xid, ${snapshot}::pg_snapshot))))`;
}
