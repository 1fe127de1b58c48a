import { type Kysely, sql } from 'kysely';

// Issue 13: keys of the HTTP API. Only a sha256 of each key is kept (the key is shown once when issued); the keys
// are 32 random bytes, so a plain hash cannot be brute-forced and needs no salt or slow KDF.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_keys (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('gateway', 'customer')),
      name text not null check (btrim(name) <> ''),
      customer_id bigint references customers (id),
      key_hash bytea not null unique check (length(key_hash) = 32),
      key_prefix text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      -- DESIGN §2: one balance check per 15 minutes per key (global status 35)
      last_balance_check_at timestamptz,
      check ((kind = 'customer') = (customer_id is not null))
    );
    create unique index api_keys_one_gateway_name on api_keys (name) where kind = 'gateway' and revoked_at is null;

    -- DESIGN §2: an optional per-customer IP allow-list for the balance check (global status 40); none = any address.
    create table customer_api_ips (
      customer_id bigint not null references customers (id),
      network cidr not null,
      primary key (customer_id, network)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists customer_api_ips, api_keys`.execute(db);
}
