import { type Kysely, sql } from 'kysely';

// Issue 13 / R15: sending_permission gives a prepaid account's checked_at as the latest created_at of its ledger
// (max over the account's entries). With only (customer_id, id) to go by, every permission check read all of the
// account's entries, and the ingest writes one per unit that touches it: at 20 000 entries (about a year of a busy
// account) a check took 3.6 ms of execution instead of well under one (explain analyze). This index answers the
// max with one probe; its cost is one index entry per ledger row, about a hundred per 16 000-message unit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index prepaid_ledger_customer_created on prepaid_ledger (customer_id, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index prepaid_ledger_customer_created`.execute(db);
}
