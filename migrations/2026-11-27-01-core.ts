import { type Kysely, sql } from 'kysely';

// R1–R15 invariants live here as constraints, so no code path can break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table operators (
      id text primary key,
      name text not null
    );
    insert into operators (id, name) values
      ('telkomsel', 'Telkomsel'), ('indosat', 'Indosat'), ('three', 'Tri (3)'),
      ('xl', 'XL/AXIS'), ('smartfren', 'Smartfren'), ('other', 'Lainnya');

    create table operator_prefixes (
      prefix text primary key check (prefix ~ '^[0-9]{3}$'),
      operator text not null references operators (id)
    );

    create table products (
      code text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
      name text not null
    );
    insert into products (code, name) values
      ('whatsapp_otp', 'WhatsApp OTP'), ('sms_otp', 'SMS OTP'), ('sms_masking', 'SMS Masking');

    create table customers (
      id bigint generated always as identity primary key,
      code text not null unique check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
      name text not null check (btrim(name) <> ''),
      emails text[] not null check (cardinality(emails) >= 1),
      address text,
      npwp text,
      paper_invoice boolean not null default false,
      quota_override bigint check (quota_override >= 0),
      billing text not null default 'postpaid' check (billing in ('postpaid', 'prepaid')),
      status text not null default 'active' check (status in ('active', 'closed')),
      closed_on date,
      created_at timestamptz not null default now(),
      check ((status = 'closed') = (closed_on is not null))
    );

    -- R5: effective-dated price lists per product, optionally a customer's contract list.
    create table price_lists (
      id bigint generated always as identity primary key,
      product text not null references products (code),
      customer_id bigint references customers (id),
      name text not null,
      mode text not null default 'volume' check (mode in ('volume', 'graduated')),
      effective_from date not null,
      unique nulls not distinct (product, customer_id, effective_from)
    );
    create table price_tiers (
      price_list_id bigint not null references price_lists (id) on delete cascade,
      operator text not null references operators (id),
      min_parts bigint not null check (min_parts >= 0),
      unit_price bigint not null check (unit_price >= 0),
      primary key (price_list_id, operator, min_parts)
    );

    -- R6: effective-dated tax rules keyed on the invoice date.
    create table tax_rules (
      id bigint generated always as identity primary key,
      effective_from date not null unique,
      label text not null,
      rate_percent integer not null check (rate_percent between 0 and 100),
      dpp_numerator integer not null check (dpp_numerator > 0),
      dpp_denominator integer not null check (dpp_denominator > 0)
    );

    -- R13: national holidays and cuti bersama.
    create table holidays (
      day date primary key,
      kind text not null check (kind in ('holiday', 'cuti_bersama')),
      name text not null
    );
  `.execute(db);

  await sql`
    -- R2/R3: one row per send record; the OTP text itself is not kept unless configured.
    create table messages (
      sending_id bigint primary key,
      customer_id bigint not null references customers (id),
      -- product and operator are checked by the ingest against their tables; a foreign key here cost a third
      -- of the insert time at ten million rows a month, so the operator is pinned by a check instead (R4).
      product text not null check (product ~ '^[a-z][a-z0-9_]*$'),
      number text not null,
      operator text not null check (operator in ('telkomsel', 'indosat', 'three', 'xl', 'smartfren', 'other')),
      sent_at timestamptz not null,
      sending_status smallint not null check (sending_status in (10, 60, 70, 80, 90)),
      delivery_status smallint check (delivery_status in (2, 3, 4, 5, 6, 7)),
      characters integer not null check (characters >= 0),
      billable_characters integer not null check (billable_characters >= characters),
      parts integer not null check (parts >= 0),
      billable boolean generated always as (sending_status = 10 and coalesce(delivery_status, 0) not in (5, 6)) stored,
      content_hash bytea not null,
      message_text text,
      delivery_updated_at timestamptz,
      -- Which transaction loaded the row and last changed its delivery status: an invoice keeps the snapshot it
      -- was computed on, so its detail can be re-exported exactly as billed whatever arrives later (R2).
      ingest_xid xid8 not null default pg_current_xact_id(),
      delivery_xid xid8,
      ingested_at timestamptz not null default now(),
      check (sending_status <> 10 or parts >= 1)
    );
    create index messages_customer_sent_at on messages (customer_id, sent_at);
    -- Rows arrive roughly in time order: a BRIN index finds a month for almost no upkeep.
    create index messages_sent_at on messages using brin (sent_at);

    -- R2: a delivery report that arrived before its send record waits here.
    create table pending_reports (
      sending_id bigint primary key,
      delivery_status smallint not null check (delivery_status in (2, 3, 4, 5, 6, 7)),
      number text,
      received_at timestamptz not null default now()
    );

    -- Bad gateway log lines: kept to be fixed and replayed, never lost.
    create table rejected_lines (
      id bigint generated always as identity primary key,
      file text not null,
      line_no integer not null check (line_no >= 1),
      reason text not null,
      raw text not null,
      raw_hash bytea not null,
      rejected_at timestamptz not null default now(),
      resolved_at timestamptz,
      unique (file, line_no, raw_hash)
    );
    create index rejected_lines_open on rejected_lines (id) where resolved_at is null;
  `.execute(db);

  await sql`
    -- R9: the deposit ledger, append-only; balance_after can never go below zero.
    create table deposit_ledger (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers (id),
      entry_date date not null,
      kind text not null check (kind in ('deposit', 'deduction', 'refund', 'adjustment')),
      amount bigint not null check (amount <> 0),
      balance_after bigint not null check (balance_after >= 0),
      ref text,
      invoice_id bigint,
      created_at timestamptz not null default now(),
      check ((kind = 'deposit' and amount > 0) or (kind in ('deduction', 'refund') and amount < 0) or kind = 'adjustment')
    );
    create index deposit_ledger_customer on deposit_ledger (customer_id, id);

    create function deposit_ledger_balance() returns trigger language plpgsql as $$
    begin
      -- Serialise entries per customer, so racing settlements cannot both spend the same rupiah.
      perform 1 from customers where id = new.customer_id for update;
      new.balance_after := coalesce(
        (select balance_after from deposit_ledger where customer_id = new.customer_id order by id desc limit 1), 0
      ) + new.amount;
      return new;
    end $$;
    create trigger deposit_ledger_balance before insert on deposit_ledger
      for each row execute function deposit_ledger_balance();

    create function forbid_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: add a correcting entry instead', tg_table_name;
    end $$;
    create trigger deposit_ledger_append_only before update or delete on deposit_ledger
      for each row execute function forbid_change();

    create view deposit_balances as
      select c.id as customer_id, c.code as customer_code,
        coalesce((select l.balance_after from deposit_ledger l where l.customer_id = c.id order by l.id desc limit 1), 0)::bigint as balance
      from customers c;
  `.execute(db);

  await sql`
    -- R7: gapless invoice numbers per issue year, taken under a row lock in the invoice's own transaction.
    create table invoice_counters (
      year integer primary key,
      last_number integer not null check (last_number >= 0)
    );

    create table invoices (
      id bigint generated always as identity primary key,
      number text not null unique,
      year integer not null,
      sequence integer not null check (sequence >= 1),
      customer_id bigint not null references customers (id),
      period date not null check (extract(day from period) = 1),
      period_end date not null,
      kind text not null default 'monthly' check (kind in ('monthly', 'final')),
      invoice_date date not null,
      due_date date not null,
      messages bigint not null check (messages >= 0),
      parts bigint not null check (parts >= 0),
      subtotal bigint not null check (subtotal >= 0),
      tax bigint not null check (tax >= 0),
      total bigint not null check (total = subtotal + tax),
      tax_label text not null,
      dpp_hundredths bigint,
      deposit_balance bigint not null check (deposit_balance >= 0),
      quota bigint not null check (quota >= 0),
      snapshot pg_snapshot not null,
      paid_amount bigint not null default 0 check (paid_amount >= 0 and paid_amount <= total),
      status text not null default 'issued'
        check (status in ('issued', 'partially_paid', 'paid', 'settled_from_deposit', 'void')),
      review_state text not null default 'approved' check (review_state in ('pending', 'approved', 'held')),
      review_note text,
      void_reason text,
      replaces_invoice_id bigint references invoices (id),
      issued_at timestamptz not null default now(),
      unique (year, sequence),
      check (due_date >= invoice_date),
      check (period_end >= period)
    );
    -- R7: one live invoice per customer and period; a void one stays visible beside its replacement.
    create unique index invoices_one_per_period on invoices (customer_id, period) where status <> 'void';
    create index invoices_period on invoices (period);

    create table invoice_lines (
      invoice_id bigint not null references invoices (id),
      product text not null references products (code),
      operator text not null references operators (id),
      messages bigint not null check (messages >= 0),
      parts bigint not null check (parts >= 0),
      unit_price bigint check (unit_price >= 0),
      amount bigint not null check (amount >= 0),
      price_list_id bigint not null references price_lists (id),
      primary key (invoice_id, product, operator)
    );

    create table invoice_events (
      id bigint generated always as identity primary key,
      invoice_id bigint not null references invoices (id),
      event text not null,
      actor text not null,
      detail text,
      at timestamptz not null default now()
    );
    create index invoice_events_invoice on invoice_events (invoice_id, id);

    -- Customers a run could not invoice, with the reason (cleared once invoiced).
    create table invoice_parks (
      period date not null,
      customer_id bigint not null references customers (id),
      reason text not null,
      parked_at timestamptz not null default now(),
      primary key (period, customer_id)
    );

    -- R12: payments by transfer or from the deposit (R11); one deposit payment per invoice.
    create table payments (
      id bigint generated always as identity primary key,
      invoice_id bigint not null references invoices (id),
      amount bigint not null check (amount > 0),
      paid_on date not null,
      method text not null check (method in ('transfer', 'deposit')),
      ref text,
      created_at timestamptz not null default now()
    );
    create unique index payments_one_deposit_per_invoice on payments (invoice_id) where method = 'deposit';
    create unique index payments_bank_ref on payments (invoice_id, ref, amount, paid_on) where method = 'transfer' and ref is not null;
    alter table deposit_ledger add foreign key (invoice_id) references invoices (id);
  `.execute(db);

  await sql`
    -- R10: usage per customer, product, operator and WIB day, maintained from messages.
    create table daily_usage (
      customer_id bigint not null references customers (id),
      product text not null references products (code),
      operator text not null references operators (id),
      day date not null,
      messages bigint not null check (messages >= 0),
      billable_messages bigint not null check (billable_messages >= 0),
      billable_parts bigint not null check (billable_parts >= 0),
      updated_at timestamptz not null default now(),
      primary key (customer_id, day, product, operator)
    );
    -- Days whose rollup is stale (a late message or report): the rollup job recomputes them.
    create table daily_usage_dirty (
      customer_id bigint not null,
      day date not null,
      primary key (customer_id, day)
    );

    -- R10/R11/R13: why an account may not send.
    create table suspensions (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers (id),
      reason text not null check (reason in ('quota', 'unpaid', 'closed')),
      month date,
      since timestamptz not null default now(),
      lifted_at timestamptz,
      lift_reason text
    );
    create unique index suspensions_one_active on suspensions (customer_id, reason) where lifted_at is null;

    -- R10: the last quota check per customer, and the one warning per month.
    create table quota_status (
      customer_id bigint primary key references customers (id),
      month date not null,
      usage bigint not null check (usage >= 0),
      quota bigint not null check (quota >= 0),
      updated_at timestamptz not null default now()
    );
    create table quota_warnings (
      customer_id bigint not null references customers (id),
      month date not null,
      level integer not null check (level in (80, 100)),
      at timestamptz not null default now(),
      primary key (customer_id, month, level)
    );

    -- R13: deposit refunds of closed accounts.
    create table refunds (
      id bigint generated always as identity primary key,
      customer_id bigint not null unique references customers (id),
      amount bigint not null check (amount >= 0),
      closing_date date not null,
      due_date date not null,
      paid_on date,
      ref text,
      created_at timestamptz not null default now()
    );

    -- What the gateway reads: may this customer send now?
    create view sending_permission as
      select c.code as customer_code,
        (c.status = 'active' and not exists (select 1 from suspensions s where s.customer_id = c.id and s.lifted_at is null)) as allowed,
        case when c.status = 'closed' then 'closed'
          else (select string_agg(s.reason, ',' order by s.reason) from suspensions s where s.customer_id = c.id and s.lifted_at is null)
        end as reason,
        coalesce(q.usage, 0)::bigint as usage,
        coalesce(q.quota, coalesce(c.quota_override, 2 * b.balance))::bigint as quota,
        greatest(q.updated_at, (select max(greatest(s.since, s.lifted_at)) from suspensions s where s.customer_id = c.id)) as updated_at
      from customers c
      join deposit_balances b on b.customer_id = c.id
      left join quota_status q on q.customer_id = c.id
      where c.billing = 'postpaid';
  `.execute(db);

  await sql`
    -- Mail outbox: one row per (kind, subject), written in the transaction of what it announces.
    create table mail_outbox (
      id bigint generated always as identity primary key,
      kind text not null,
      subject_key text not null,
      customer_id bigint references customers (id),
      invoice_id bigint references invoices (id),
      message_id text not null unique,
      status text not null default 'pending' check (status in ('held', 'pending', 'sent', 'failed', 'cancelled')),
      attempts integer not null default 0 check (attempts >= 0),
      next_attempt_at timestamptz not null default now(),
      last_error text,
      server_response text,
      payload jsonb not null default '{}',
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      unique (kind, subject_key)
    );
    create index mail_outbox_due on mail_outbox (next_attempt_at) where status = 'pending';

    -- Every job run, from the daemon or by hand.
    create table job_runs (
      id bigint generated always as identity primary key,
      job text not null,
      trigger text not null check (trigger in ('schedule', 'catch-up', 'manual')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      outcome text not null default 'running' check (outcome in ('running', 'ok', 'failed', 'skipped')),
      counts jsonb,
      error text
    );
    create index job_runs_job on job_runs (job, started_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop view if exists sending_permission, deposit_balances;
    drop table if exists job_runs, mail_outbox, refunds, quota_warnings, quota_status, suspensions,
      daily_usage_dirty, daily_usage, payments, invoice_parks, invoice_events, invoice_lines, invoices,
      invoice_counters, deposit_ledger, rejected_lines, pending_reports, messages, holidays, tax_rules,
      price_tiers, price_lists, customers, products, operator_prefixes, operators cascade;
    drop function if exists deposit_ledger_balance, forbid_change;
  `.execute(db);
}
