import { type Kysely, sql } from 'kysely';

// Issue 11, R16: credit notes (Nota Kredit) against one invoice, their gapless numbers, and customer credit.
// The database, not only the code, refuses a credit note over what is left to credit on its invoice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- R16: what credit notes took off the invoice (credited_*), and how much of that and of the customer's
    -- credit reduced its open amount. open = total − paid − credit_reduced − credit_used, never below zero.
    alter table invoices
      add column credited_subtotal bigint not null default 0,
      add column credited_total bigint not null default 0,
      add column credit_reduced bigint not null default 0 check (credit_reduced >= 0),
      add column credit_used bigint not null default 0 check (credit_used >= 0),
      add constraint invoices_credited_within check (credited_subtotal between 0 and subtotal and credited_total between 0 and total),
      add constraint invoices_open_not_negative check (paid_amount + credit_reduced + credit_used <= total);

    -- A fully credited invoice nobody paid is 'credited' (nothing open, no money received).
    alter table invoices drop constraint invoices_status_check;
    alter table invoices add constraint invoices_status_check
      check (status in ('issued', 'partially_paid', 'paid', 'settled_from_deposit', 'credited', 'void'));

    alter table invoice_events drop constraint invoice_events_event_check;
    alter table invoice_events add constraint invoice_events_event_check
      check (event in ('issued', 'approved', 'held', 'released', 'voided', 'reissued', 'replaced', 'payment',
        'settled_from_deposit', 'credit_note', 'credit_used'));

    -- R16: gapless CN numbers per year, taken under a row lock in the credit note's own transaction (as R7's).
    create table credit_note_counters (
      year integer primary key,
      last_number integer not null check (last_number >= 0)
    );

    create table credit_notes (
      id bigint generated always as identity primary key,
      number text not null unique,
      year integer not null,
      sequence integer not null check (sequence >= 1),
      invoice_id bigint not null references invoices (id),
      customer_id bigint not null references customers (id),
      credit_date date not null,
      kind text not null check (kind in ('lines', 'amount', 'void')),
      reason text not null check (btrim(reason) <> ''),
      subtotal bigint not null check (subtotal > 0),
      tax bigint not null check (tax >= 0),
      total bigint not null check (total = subtotal + tax),
      tax_label text not null,
      dpp_hundredths bigint,
      -- Set by the trigger: what reduced the invoice's open amount, and the rest, which became customer credit.
      reduced_open bigint not null default 0 check (reduced_open >= 0),
      to_credit bigint not null default 0 check (to_credit >= 0),
      actor text not null,
      created_at timestamptz not null default now(),
      unique (year, sequence),
      check (reduced_open + to_credit = total)
    );
    create index credit_notes_invoice on credit_notes (invoice_id, id);

    create table credit_note_lines (
      credit_note_id bigint not null references credit_notes (id),
      product text not null references products (code),
      operator text not null references operators (id),
      parts bigint not null check (parts >= 0),
      unit_price bigint check (unit_price >= 0),
      amount bigint not null check (amount > 0),
      primary key (credit_note_id, product, operator)
    );

    -- R16: the customer's credit, append-only like the deposit's ledger (R9); balance_after never below zero.
    create table customer_credit_ledger (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers (id),
      entry_date date not null,
      kind text not null check (kind in ('credit_note', 'used', 'refund')),
      amount bigint not null check (amount <> 0),
      balance_after bigint not null check (balance_after >= 0),
      credit_note_id bigint references credit_notes (id),
      invoice_id bigint references invoices (id),
      created_at timestamptz not null default now(),
      check ((kind = 'credit_note' and amount > 0 and credit_note_id is not null)
        or (kind = 'used' and amount < 0 and invoice_id is not null)
        or (kind = 'refund' and amount < 0))
    );
    create index customer_credit_ledger_customer on customer_credit_ledger (customer_id, id);
    -- Customer credit is used by an invoice once, never twice.
    create unique index customer_credit_used_once on customer_credit_ledger (invoice_id) where kind = 'used';

    create function customer_credit_balance() returns trigger language plpgsql as $$
    begin
      perform 1 from customers where id = new.customer_id for update;
      new.balance_after := coalesce(
        (select balance_after from customer_credit_ledger where customer_id = new.customer_id order by id desc limit 1), 0
      ) + new.amount;
      return new;
    end $$;
    create trigger customer_credit_balance before insert on customer_credit_ledger
      for each row execute function customer_credit_balance();
    create trigger customer_credit_append_only before update or delete on customer_credit_ledger
      for each row execute function forbid_change();
    create trigger credit_notes_append_only before update or delete on credit_notes
      for each row execute function forbid_change();

    create view customer_credit_balances as
      select c.id as customer_id, c.code as customer_code,
        coalesce((select l.balance_after from customer_credit_ledger l where l.customer_id = c.id order by l.id desc limit 1), 0)::bigint as balance
      from customers c;

    -- R16: the database check. Under the invoice's row lock: a credit note on a void invoice or over what is left
    -- to credit is refused (invoices_credited_within); the part over the open amount becomes customer credit.
    create function credit_note_apply() returns trigger language plpgsql as $$
    declare
      inv invoices%rowtype;
      open_amount bigint;
    begin
      select * into inv from invoices where id = new.invoice_id for update;
      if inv.status = 'void' then
        raise exception 'invoice % is void; a credit note can only correct a live invoice', inv.number
          using errcode = 'check_violation', constraint = 'credit_notes_live_invoice';
      end if;
      if inv.customer_id <> new.customer_id then
        raise exception 'credit note customer differs from the customer of invoice %', inv.number;
      end if;
      open_amount := greatest(inv.total - inv.paid_amount - inv.credit_reduced - inv.credit_used, 0);
      new.reduced_open := least(new.total, open_amount);
      new.to_credit := new.total - new.reduced_open;
      update invoices set
        credited_subtotal = credited_subtotal + new.subtotal,
        credited_total = credited_total + new.total,
        credit_reduced = credit_reduced + new.reduced_open,
        status = case
          when status in ('issued', 'partially_paid') and new.reduced_open = open_amount
            then (case when paid_amount > 0 then 'paid' else 'credited' end)
          else status end
        where id = new.invoice_id;
      return new;
    end $$;
    create trigger credit_note_apply before insert on credit_notes
      for each row execute function credit_note_apply();

    create function credit_note_excess() returns trigger language plpgsql as $$
    begin
      if new.to_credit > 0 then
        insert into customer_credit_ledger (customer_id, entry_date, kind, amount, credit_note_id)
          values (new.customer_id, new.credit_date, 'credit_note', new.to_credit, new.id);
      end if;
      return null;
    end $$;
    create trigger credit_note_excess after insert on credit_notes
      for each row execute function credit_note_excess();

  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop view customer_credit_balances;
    drop table customer_credit_ledger;
    drop function customer_credit_balance;
    drop table credit_note_lines;
    drop table credit_notes;
    drop function credit_note_apply;
    drop function credit_note_excess;
    drop table credit_note_counters;
    alter table invoice_events drop constraint invoice_events_event_check;
    alter table invoice_events add constraint invoice_events_event_check
      check (event in ('issued', 'approved', 'held', 'released', 'voided', 'reissued', 'replaced', 'payment', 'settled_from_deposit'));
    alter table invoices drop constraint invoices_status_check;
    alter table invoices add constraint invoices_status_check
      check (status in ('issued', 'partially_paid', 'paid', 'settled_from_deposit', 'void'));
    alter table invoices drop constraint invoices_open_not_negative, drop constraint invoices_credited_within,
      drop column credit_used, drop column credit_reduced, drop column credited_total, drop column credited_subtotal;
  `.execute(db);
}
