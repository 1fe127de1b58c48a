// R2 as billed, the one home of the predicate: the invoice run (src/billing/billed-sql.ts) and the detail COPY
// (src/documents/detail-csv.ts) both take it from here. Pinned by test/db/sql-agreement.test.ts.

const SNAPSHOT = /^\d+:\d+:(\d+(,\d+)*)?$/;

/**
 * R2 as billed, as SQL over the messages alias `m`: a message counts when the invoice's snapshot saw it and it was
 * billable then. Cancel/Reject are final and every other status is billable, so a message that turned
 * Cancel/Reject after the snapshot was billable in it. `snapshot` is a pg_snapshot's text ('xmin:xmax:xip,…'); it is
 * checked and inlined, since COPY takes no parameters.
 */
export function billedPredicate(snapshot: string): string {
  if (!SNAPSHOT.test(snapshot)) throw new Error(`billed: bad snapshot '${snapshot}'`);
  return billedInSnapshot(`'${snapshot}'::pg_snapshot`);
}

/** billedPredicate over a pg_snapshot SQL expression (a column: one statement over many invoices' snapshots). */
export function billedInSnapshot(snap: string): string {
  return `(m.sending_status = 10
    and pg_visible_in_snapshot(m.ingest_xid, ${snap})
    and (coalesce(m.delivery_status, 0) not in (5, 6)
      or (m.delivery_xid is not null and not pg_visible_in_snapshot(m.delivery_xid, ${snap}))))`;
}
