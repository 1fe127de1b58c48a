import { type Kysely, sql } from 'kysely';

// Issue 17: the review page's users. Only a scrypt hash of each password is kept (with its own salt and
// parameters in the same text), never the password.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table review_users (
      id bigint generated always as identity primary key,
      name text not null unique check (name ~ '^[a-z0-9][a-z0-9._-]{0,39}$'),
      password_hash text not null check (password_hash like 'scrypt$%'),
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table review_users`.execute(db);
}
