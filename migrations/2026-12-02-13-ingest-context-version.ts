import { type Kysely, sql } from 'kysely';

// Issue 13: the HTTP API's log route parsed each batch against a context read afresh: every customer's code and id,
// the products, the operator prefixes and whether a prepaid account exists. At 1 000 customers that read was
// 2.3 ms of PostgreSQL per 1 000-line batch, and it grows with the customer list. The API now keeps the context
// while this version stays the same. Every statement that changes what the context holds bumps it, in its own
// transaction, so a reader sees the new version exactly when it sees the change. The tables it watches change only
// by hand (finance adding a customer or product, a plan change), so the one row is no point of contention.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ingest_context_version (
      only_row boolean primary key default true check (only_row),
      version bigint not null
    );
    insert into ingest_context_version (version) values (1);
    create function bump_ingest_context_version() returns trigger language plpgsql as $$
    begin
      update ingest_context_version set version = version + 1;
      return null;
    end $$;
    create trigger customers_ingest_context after insert or delete or update of code, id or truncate on customers
      for each statement execute function bump_ingest_context_version();
    create trigger products_ingest_context after insert or update or delete or truncate on products
      for each statement execute function bump_ingest_context_version();
    create trigger operator_prefixes_ingest_context after insert or update or delete or truncate on operator_prefixes
      for each statement execute function bump_ingest_context_version();
    create trigger prepaid_accounts_ingest_context after insert or delete or truncate on prepaid_accounts
      for each statement execute function bump_ingest_context_version();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger customers_ingest_context on customers;
    drop trigger products_ingest_context on products;
    drop trigger operator_prefixes_ingest_context on operator_prefixes;
    drop trigger prepaid_accounts_ingest_context on prepaid_accounts;
    drop function bump_ingest_context_version;
    drop table ingest_context_version;
  `.execute(db);
}
