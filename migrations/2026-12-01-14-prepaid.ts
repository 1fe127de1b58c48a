import { type Kysely, sql } from 'kysely';

// Issue 14, R15 prepaid accounts: the account row (price per part, masa aktif; the row every balance change locks),
// top-ups with their receipt numbers, an append-only balance ledger that never goes below zero, what each message
// was charged (a table of its own, keyed by sending_id, so the messages table stays the loader's), and the
// forfeiture warnings sent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table prepaid_accounts (
      customer_id bigint primary key references customers (id),
      -- R15: the tier of the latest top-up's amount (the first tier until the first top-up).
      price_per_part bigint not null check (price_per_part > 0),
      expires_on date,
      last_billable_at timestamptz,
      last_topup_on date,
      created_at timestamptz not null default now()
    );

    -- R15: a top-up and its receipt invoice (number from invoice_counters, so numbers stay gapless per year, R7).
    create table prepaid_topups (
      id bigint generated always as identity primary key,
      customer_id bigint not null references prepaid_accounts (customer_id),
      topup_date date not null,
      amount bigint not null check (amount >= 100000),
      tax bigint not null check (tax >= 0),
      total bigint not null check (total = amount + tax),
      tax_label text not null,
      dpp_hundredths bigint,
      unit_price bigint not null check (unit_price > 0),
      expires_on date not null check (expires_on > topup_date),
      number text not null unique,
      year integer not null,
      sequence integer not null check (sequence >= 1),
      ref text,
      created_at timestamptz not null default now()
    );
    create unique index prepaid_topups_bank_ref on prepaid_topups (customer_id, ref, amount, topup_date) where ref is not null;

    create table prepaid_ledger (
      id bigint generated always as identity primary key,
      customer_id bigint not null references prepaid_accounts (customer_id),
      entry_date date not null,
      kind text not null check (kind in ('topup', 'usage', 'giveback', 'forfeit')),
      amount bigint not null check (amount <> 0),
      -- R15: the balance is never negative, whatever code path writes here.
      balance_after bigint not null check (balance_after >= 0),
      topup_id bigint references prepaid_topups (id),
      ref text,
      created_at timestamptz not null default now(),
      check ((kind in ('topup', 'giveback') and amount > 0) or (kind in ('usage', 'forfeit') and amount < 0)),
      check ((kind = 'topup') = (topup_id is not null))
    );
    create index prepaid_ledger_customer on prepaid_ledger (customer_id, id);
    create index prepaid_ledger_date on prepaid_ledger (entry_date);

    create function prepaid_ledger_balance() returns trigger language plpgsql as $$
    begin
      -- Serialise entries per account (as deposit_ledger does), so racing ingests cannot spend the same rupiah.
      perform 1 from prepaid_accounts where customer_id = new.customer_id for update;
      new.balance_after := coalesce(
        (select balance_after from prepaid_ledger where customer_id = new.customer_id order by id desc limit 1), 0
      ) + new.amount;
      return new;
    end $$;
    create trigger prepaid_ledger_balance before insert on prepaid_ledger
      for each row execute function prepaid_ledger_balance();
    create trigger prepaid_ledger_append_only before update or delete on prepaid_ledger
      for each row execute function forbid_change();

    create view prepaid_balances as
      select a.customer_id,
        coalesce((select l.balance_after from prepaid_ledger l where l.customer_id = a.customer_id order by l.id desc limit 1), 0)::bigint as balance
      from prepaid_accounts a;

    -- R15: what each prepaid message was charged. due = parts × unit_price while billable, 0 after Cancel/Reject;
    -- charged = what the ledger took for it; the rest is the shortfall of a message that did not fit the balance.
    create table prepaid_charges (
      sending_id bigint primary key,
      customer_id bigint not null references prepaid_accounts (customer_id),
      unit_price bigint not null check (unit_price > 0),
      due bigint not null check (due >= 0),
      charged bigint not null check (charged >= 0 and charged <= due),
      shortfall bigint not null generated always as (due - charged) stored,
      charged_on date not null,
      given_back bigint not null default 0 check (given_back >= 0),
      given_back_on date,
      check ((given_back > 0) = (given_back_on is not null))
    );
    create index prepaid_charges_customer_charged on prepaid_charges (customer_id, charged_on);
    create index prepaid_charges_customer_given_back on prepaid_charges (customer_id, given_back_on) where given_back_on is not null;

    -- R15: forfeiture warnings, once each (30 and 7 days before a given forfeiture day).
    create table prepaid_warnings (
      customer_id bigint not null references prepaid_accounts (customer_id),
      forfeit_on date not null,
      days_before integer not null check (days_before in (30, 7)),
      cause text not null check (cause in ('expiry', 'inactivity')),
      at timestamptz not null default now(),
      primary key (customer_id, forfeit_on, days_before)
    );

    -- R15: at zero a prepaid account is refused with reason 'balance' (the gateway's status 80 Minimum Balance).
    -- For a prepaid account quota is the balance left and usage is 0.
    create or replace view sending_permission as
      select c.code as customer_code,
        (c.status = 'active' and not exists (select 1 from suspensions s where s.customer_id = c.id and s.lifted_at is null)) as allowed,
        case when c.status = 'closed' then 'closed'
          else (select string_agg(s.reason, ',' order by s.reason) from suspensions s where s.customer_id = c.id and s.lifted_at is null)
        end as reason,
        coalesce(q.usage, 0)::bigint as usage,
        coalesce(q.quota, quota_for(b.balance, c.quota_override))::bigint as quota,
        greatest(q.updated_at, (select max(greatest(s.since, s.lifted_at)) from suspensions s where s.customer_id = c.id)) as updated_at
      from customers c
      join deposit_balances b on b.customer_id = c.id
      left join quota_status q on q.customer_id = c.id
      where c.billing = 'postpaid'
      union all
      select c.code,
        (c.status = 'active' and p.balance > 0
          and not exists (select 1 from suspensions s where s.customer_id = c.id and s.lifted_at is null)),
        case when c.status = 'closed' then 'closed'
          else nullif(concat_ws(',', case when p.balance <= 0 then 'balance' end,
            (select string_agg(s.reason, ',' order by s.reason) from suspensions s where s.customer_id = c.id and s.lifted_at is null)), '')
        end,
        0::bigint,
        p.balance,
        greatest((select max(l.created_at) from prepaid_ledger l where l.customer_id = c.id),
          (select max(greatest(s.since, s.lifted_at)) from suspensions s where s.customer_id = c.id))
      from customers c
      join prepaid_balances p on p.customer_id = c.id
      where c.billing = 'prepaid';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace view sending_permission as
      select c.code as customer_code,
        (c.status = 'active' and not exists (select 1 from suspensions s where s.customer_id = c.id and s.lifted_at is null)) as allowed,
        case when c.status = 'closed' then 'closed'
          else (select string_agg(s.reason, ',' order by s.reason) from suspensions s where s.customer_id = c.id and s.lifted_at is null)
        end as reason,
        coalesce(q.usage, 0)::bigint as usage,
        coalesce(q.quota, quota_for(b.balance, c.quota_override))::bigint as quota,
        greatest(q.updated_at, (select max(greatest(s.since, s.lifted_at)) from suspensions s where s.customer_id = c.id)) as updated_at
      from customers c
      join deposit_balances b on b.customer_id = c.id
      left join quota_status q on q.customer_id = c.id
      where c.billing = 'postpaid';
    drop view prepaid_balances;
    drop table prepaid_warnings, prepaid_charges, prepaid_ledger, prepaid_topups, prepaid_accounts;
    drop function prepaid_ledger_balance;
  `.execute(db);
}
