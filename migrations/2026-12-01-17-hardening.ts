import { type Kysely, sql } from 'kysely';

// Issue 17: a rejected line is told fixable (a replay can load it once a customer or product is added) or not;
// a closed line ('loaded', 'discarded' by finance, 'expired' after the retention time) keeps only the counted
// length and a hash of its message text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table rejected_lines
      add column fixable boolean not null default false,
      add column closed_as text check (closed_as in ('loaded', 'discarded', 'expired')),
      add column close_note text,
      add column message_length integer,
      add column message_sha256 text,
      add column redacted_at timestamptz;
    update rejected_lines set fixable = reason like 'unknown customer%' or reason like 'product % is unknown%',
      closed_as = case when resolved_at is not null then 'loaded' end;
    alter table rejected_lines
      add constraint rejected_lines_closed check ((closed_as is null) = (resolved_at is null));
    create index rejected_lines_to_redact on rejected_lines (id) where resolved_at is not null and redacted_at is null;
    create index rejected_lines_open_since on rejected_lines (rejected_at) where resolved_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists rejected_lines_to_redact;
    drop index if exists rejected_lines_open_since;
    alter table rejected_lines drop constraint rejected_lines_closed, drop column fixable, drop column closed_as,
      drop column close_note, drop column message_length, drop column message_sha256, drop column redacted_at;
  `.execute(db);
}
