import { type Kysely, sql } from 'kysely';

// Issue 16: messages partitioned by WIB month of sent_at (R1), one table per month plus a default one, so a month
// can be archived and detached whole and the monthly queries read one partition. What each index or constraint
// costs a COPY of 1 M rows was measured on this machine (scripts/bench.ts, STACK.md): kept only where
// correctness or a query needs it.
//
// Idempotence by sendingid (R2): a unique index on a partitioned table must contain the partition key, so
// (sending_id, sent_at) would let the same sendingid in again with another sent_at. The key lives in sending_ids
// instead, a narrow table with sending_id as its primary key, filled by a statement trigger from every insert
// through `messages`: the database refuses a second row for a sendingid whatever code path inserts it. It also
// says where a message lives (customer_id, sent_at), so a delivery report finds its row through the
// (customer_id, sent_at) index of one partition: messages needs no index of its own on sending_id.
const COLUMNS = `sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status,
  characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid,
  ingested_at`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table messages rename to messages_unpartitioned;
    alter table messages_unpartitioned rename constraint messages_pkey to messages_unpartitioned_pkey;
    drop index messages_customer_sent_at;
    drop index messages_sent_at;

    create table messages (
      sending_id bigint not null,
      -- No foreign key on customers: it cost 12–20 s of a 27–36 s COPY of 1 M rows (a key-share row lock per
      -- message). The ingest only loads customer ids it read from customers, and customers are never deleted
      -- (closed instead): the trigger customers_never_deleted below holds that.
      customer_id bigint not null,
      -- product and operator are checked by the ingest against their tables; the checks here cost about 1 s of
      -- CPU per 1 M rows, far less than foreign keys, and keep a hand-made insert honest (R4).
      product text not null check (product ~ '^[a-z][a-z0-9_]*$'),
      number text not null,
      operator text not null check (operator in ('telkomsel', 'indosat', 'three', 'xl', 'smartfren', 'other')),
      sent_at timestamptz not null,
      sending_status smallint not null check (sending_status in (10, 60, 70, 80, 90)),
      delivery_status smallint check (delivery_status in (2, 3, 4, 5, 6, 7)),
      characters integer not null check (characters >= 0),
      billable_characters integer not null check (billable_characters >= characters),
      parts integer not null check (parts >= 0),
      -- Every billing query filters on it; computing it once at insert is cheaper than in each of them.
      billable boolean generated always as (sending_status = 10 and coalesce(delivery_status, 0) not in (5, 6)) stored,
      content_hash bytea not null,
      message_text text,
      delivery_updated_at timestamptz,
      ingest_xid xid8 not null default pg_current_xact_id(),
      delivery_xid xid8,
      ingested_at timestamptz not null default now(),
      check (sending_status <> 10 or parts >= 1)
    ) partition by range (sent_at);
    -- The one index: a customer's month (detail export, rollup, review) and a report's look-up of its message
    -- through sending_ids. STACK.md: this btree and the BRIN index together added 7 s to a 15 s COPY of 1 M rows.
    -- The BRIN index on sent_at is gone: a month is now one partition, read whole.
    create index messages_customer_sent_at on messages (customer_id, sent_at);
    -- Rows of a month that has no partition yet land here and are never lost; ensure_messages_partition moves
    -- them into their month when it is created (npm run status counts them).
    create table messages_default partition of messages default;

    -- R2: the idempotence key, 75 bytes a message. Not measured apart: with it, the index and the checks, a COPY of
    -- 1 M rows into messages took 20.6 s against 8.4 s into the same columns bare (npm run bench, loaded machine).
    create table sending_ids (
      sending_id bigint primary key,
      customer_id bigint not null,
      sent_at timestamptz not null
    );
    create function messages_register_sending_ids() returns trigger language plpgsql as $$
    begin
      insert into sending_ids (sending_id, customer_id, sent_at) select sending_id, customer_id, sent_at from new_rows;
      return null;
    end $$;
    create trigger messages_sending_ids after insert on messages
      referencing new table as new_rows for each statement execute function messages_register_sending_ids();
    -- sending_ids says where each message lives: its key columns never change. Fires only for an update that
    -- names them, so a delivery report's update pays nothing.
    create function messages_keys_fixed() returns trigger language plpgsql as $$
    begin
      raise exception 'the sendingid, customer and sent_at of a loaded message never change (sending_id %)', old.sending_id
        using hint = 'load a corrected line with a new sendingid instead';
    end $$;
    create trigger messages_keys_fixed before update of sending_id, customer_id, sent_at on messages
      for each row execute function messages_keys_fixed();

    create function customers_never_deleted() returns trigger language plpgsql as $$
    begin
      raise exception 'customers are never deleted (their messages and invoices refer to them)'
        using hint = 'close the account instead: npm run accounts -- close';
    end $$;
    create trigger customers_never_deleted before delete on customers
      for each row execute function customers_never_deleted();

    -- The partition of one WIB month (R1), created when missing; rows of that month waiting in the default
    -- partition move into it. Returns whether it was created.
    create function ensure_messages_partition(p_month date) returns boolean language plpgsql as $$
    declare
      month_start date := date_trunc('month', p_month)::date;
      part_name text := 'messages_' || to_char(month_start, 'YYYY_MM');
      lo timestamptz := month_start::timestamp at time zone 'Asia/Jakarta';
      hi timestamptz := (month_start + interval '1 month')::timestamp at time zone 'Asia/Jakarta';
    begin
      if to_regclass(part_name) is not null then return false; end if;
      if exists (select 1 from messages_default where sent_at >= lo and sent_at < hi) then
        alter table messages detach partition messages_default;
        execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi);
        -- straight into the partition: their sendingids are registered already
        execute format('insert into %I (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)} from messages_default where sent_at >= %L and sent_at < %L',
          part_name, lo, hi);
        delete from messages_default where sent_at >= lo and sent_at < hi;
        alter table messages attach partition messages_default default;
      else
        execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi);
      end if;
      return true;
    end $$;
  `.execute(db);

  await sql`
    -- Every month that has messages, and this month and the next two.
    select ensure_messages_partition(m)
    from (
      select distinct date_trunc('month', sent_at at time zone 'Asia/Jakarta')::date as m from messages_unpartitioned
      union
      select (date_trunc('month', now() at time zone 'Asia/Jakarta') + make_interval(months => k))::date
      from generate_series(0, 2) k
    ) months order by m;

    insert into sending_ids (sending_id, customer_id, sent_at)
      select sending_id, customer_id, sent_at from messages_unpartitioned;
    alter table messages disable trigger messages_sending_ids;
    insert into messages (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)} from messages_unpartitioned;
    alter table messages enable trigger messages_sending_ids;
  `.execute(db);

  await sql`
    do $$
    declare
      before bigint := (select count(*) from messages_unpartitioned);
      after bigint := (select count(*) from messages);
    begin
      if before <> after then
        raise exception 'moving messages into partitions lost rows: % before, % after', before, after;
      end if;
    end $$;
    drop table messages_unpartitioned;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table messages rename to messages_partitioned;
    create table messages (like messages_partitioned including defaults including constraints including generated);
    insert into messages (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)} from messages_partitioned;
    alter table messages add primary key (sending_id);
    alter table messages add foreign key (customer_id) references customers (id);
    drop table messages_partitioned cascade;
    create index messages_customer_sent_at on messages (customer_id, sent_at);
    create index messages_sent_at on messages using brin (sent_at);
    drop table sending_ids;
    drop trigger customers_never_deleted on customers;
    drop function customers_never_deleted, messages_register_sending_ids, messages_keys_fixed, ensure_messages_partition;
  `.execute(db);
}
