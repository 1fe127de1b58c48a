import { type Kysely, sql } from 'kysely';

// Issue 10: customer changes are kept with who made them and when, and an issued invoice keeps the buyer's
// name, address and NPWP it was issued with (R7: an issued invoice does not change when the customer does).
// Finance can release a held invoice back to review: a 'released' event.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table customer_changes (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers (id),
      field text not null,
      old_value text,
      new_value text,
      actor text not null,
      source text not null,
      changed_at timestamptz not null default now()
    );
    create index customer_changes_customer on customer_changes (customer_id, id);

    alter table invoices
      add column buyer_name text,
      add column buyer_address text,
      add column buyer_npwp text;
    -- Invoices issued before this migration: the customer as it is now, the best that is known.
    update invoices i set buyer_name = c.name, buyer_address = c.address, buyer_npwp = c.npwp
      from customers c where c.id = i.customer_id;
    alter table invoices alter column buyer_name set not null;
    -- Every way an invoice is written gets the snapshot: a writer that does not give the buyer takes the customer's
    -- row as it is at that moment (issue-invoice.ts gives it in the same statement).
    create function invoices_buyer_snapshot() returns trigger language plpgsql as $$
    begin
      if new.buyer_name is null then
        select c.name, c.address, c.npwp into new.buyer_name, new.buyer_address, new.buyer_npwp
          from customers c where c.id = new.customer_id;
      end if;
      return new;
    end $$;
    create trigger invoices_buyer_snapshot before insert on invoices
      for each row execute function invoices_buyer_snapshot();

    alter table invoice_events drop constraint invoice_events_event_check;
    alter table invoice_events add constraint invoice_events_event_check
      check (event in ('issued', 'approved', 'held', 'released', 'voided', 'reissued', 'replaced', 'payment',
        'settled_from_deposit'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table invoice_events drop constraint invoice_events_event_check;
    alter table invoice_events add constraint invoice_events_event_check
      check (event in ('issued', 'approved', 'held', 'voided', 'reissued', 'replaced', 'payment', 'settled_from_deposit'));
    drop trigger invoices_buyer_snapshot on invoices;
    drop function invoices_buyer_snapshot();
    alter table invoices drop column buyer_name, drop column buyer_address, drop column buyer_npwp;
    drop table customer_changes;
  `.execute(db);
}
