import { type Kysely, sql } from 'kysely';

// The invoice keeps its daily usage as billed, so its PDF renders again byte for byte without scanning messages.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoices add column parts_per_day jsonb not null default '[]'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoices drop column parts_per_day`.execute(db);
}
