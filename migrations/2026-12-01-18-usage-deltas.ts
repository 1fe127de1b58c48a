import { type Kysely, sql } from 'kysely';

// R10, issue 13: the quota re-check after each batch counted the days still marked dirty from their messages, so
// each batch re-read every message of the day of the customers it touched (136 ms a 1 000-line batch once the
// day held 109 k messages; it grows with the day). Instead, every statement that changes messages writes what
// it changed of the billable parts per (customer, WIB day, product, operator) here, in its own transaction, from
// statement triggers. So at any snapshot: billable parts of a day = daily_usage + the day's deltas. The rollup
// recomputes a day from messages and deletes the deltas it saw in the same statement (rollup.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Insert-only: concurrent batches never wait on each other's rows. About 100 rows a 1 000-line batch of 100
    -- customers; the nightly rollup removes those of the days it recomputes.
    create table usage_deltas (
      customer_id bigint not null,
      day date not null,
      product text not null,
      operator text not null,
      parts bigint not null
    );
    -- The re-check reads the deltas of the customers of one batch in the month.
    create index usage_deltas_customer_day on usage_deltas (customer_id, day);

    create function messages_usage_inserted() returns trigger language plpgsql as $$
    begin
      insert into usage_deltas (customer_id, day, product, operator, parts)
      select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, sum(parts)
      from new_rows where billable group by 1, 2, 3, 4;
      return null;
    end $$;
    create trigger messages_usage_inserted after insert on messages
      referencing new table as new_rows for each statement execute function messages_usage_inserted();

    -- A delivery report that leaves a message billable nets to zero and writes nothing; a Cancel/Reject writes
    -- the parts it gives back.
    create function messages_usage_updated() returns trigger language plpgsql as $$
    begin
      insert into usage_deltas (customer_id, day, product, operator, parts)
      select customer_id, day, product, operator, sum(parts) from (
        select customer_id, (sent_at at time zone 'Asia/Jakarta')::date as day, product, operator, parts
        from new_rows where billable
        union all
        select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, -parts
        from old_rows where billable
      ) changed group by 1, 2, 3, 4 having sum(parts) <> 0;
      return null;
    end $$;
    create trigger messages_usage_updated after update on messages
      referencing old table as old_rows new table as new_rows for each statement execute function messages_usage_updated();

    create function messages_usage_deleted() returns trigger language plpgsql as $$
    begin
      insert into usage_deltas (customer_id, day, product, operator, parts)
      select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, -sum(parts)
      from old_rows where billable group by 1, 2, 3, 4;
      return null;
    end $$;
    create trigger messages_usage_deleted after delete on messages
      referencing old table as old_rows for each statement execute function messages_usage_deleted();

    -- Days still marked dirty have a daily_usage behind their messages: their difference becomes their delta, so
    -- the sum holds from the start.
    insert into usage_deltas (customer_id, day, product, operator, parts)
    select customer_id, day, product, operator, sum(parts) from (
      select m.customer_id, d.day, m.product, m.operator, m.parts
      from daily_usage_dirty d
      join messages m on m.customer_id = d.customer_id and m.billable
        and m.sent_at >= (d.day::timestamp at time zone 'Asia/Jakarta')
        and m.sent_at < ((d.day + 1)::timestamp at time zone 'Asia/Jakarta')
      union all
      select u.customer_id, u.day, u.product, u.operator, -u.billable_parts
      from daily_usage u join daily_usage_dirty d on d.customer_id = u.customer_id and d.day = u.day
    ) difference group by 1, 2, 3, 4 having sum(parts) <> 0;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger messages_usage_inserted on messages;
    drop trigger messages_usage_updated on messages;
    drop trigger messages_usage_deleted on messages;
    drop function messages_usage_inserted, messages_usage_updated, messages_usage_deleted;
    drop table usage_deltas;
  `.execute(db);
}
