import { type Kysely, sql } from 'kysely';

// Issue 15, one home per rule: the quota rule as one SQL function, review states that no longer share a word with
// mail's, a closed list of invoice events, and the wording version an invoice was issued with.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- R10: quota = the override, else 2 × the deposit balance. The SQL twin of quotaFor (src/billing/quota-rules.ts),
    -- pinned by test/db/sql-agreement.test.ts.
    create function quota_for(deposit_balance bigint, quota_override bigint) returns bigint
      language sql immutable parallel safe as $$ select coalesce(quota_override, 2 * deposit_balance) $$;

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

    -- An invoice waiting for review was 'pending', the word mail_outbox uses for "queued to send".
    alter table invoices drop constraint invoices_review_state_check;
    update invoices set review_state = 'awaiting_review' where review_state = 'pending';
    alter table invoices add constraint invoices_review_state_check
      check (review_state in ('awaiting_review', 'approved', 'held'));

    alter table invoice_events add constraint invoice_events_event_check
      check (event in ('issued', 'approved', 'held', 'voided', 'reissued', 'replaced', 'payment', 'settled_from_deposit'));

    -- Which wording and layout the invoice was issued with, so an old invoice re-renders as issued.
    alter table invoices add column template_version integer not null default 1 check (template_version >= 1);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table invoices drop column template_version;
    alter table invoice_events drop constraint invoice_events_event_check;
    alter table invoices drop constraint invoices_review_state_check;
    update invoices set review_state = 'pending' where review_state = 'awaiting_review';
    alter table invoices add constraint invoices_review_state_check check (review_state in ('pending', 'approved', 'held'));
    create or replace view sending_permission as
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
    drop function quota_for;
  `.execute(db);
}
