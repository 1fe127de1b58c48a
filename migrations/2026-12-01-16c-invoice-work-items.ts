import { type Kysely, sql } from 'kysely';

// Issue 16: a month close shared by several worker processes (or machines) on one database. The run that plans the
// month writes one work item per customer to invoice; workers claim items with FOR UPDATE SKIP LOCKED, issue each
// in its own short transaction and write its documents outside it. A worker is alive while it holds its session
// advisory lock 'tagih:invoice-worker:<worker>', so an item claimed by a killed worker is taken over by another.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table invoice_work_items (
      period date not null,
      customer_id bigint not null references customers (id),
      -- Code order of the plan: items are issued in this order, so the numbers are the same with any number of workers.
      position int not null,
      -- pending: to issue; issued: the invoice exists, its documents are not written yet; done: both.
      status text not null default 'pending' check (status in ('pending', 'issued', 'done')),
      -- The run's figures as computed on one snapshot (R5–R8), and what the issue step needs besides.
      draft jsonb not null,
      issue_date date not null,
      snapshot text not null,
      actor text not null,
      hold_mail boolean not null,
      invoice_id bigint references invoices (id),
      -- The worker holding the item (its liveness is its advisory lock), and when it took it.
      worker text,
      claimed_at timestamptz,
      finished_at timestamptz,
      primary key (period, customer_id),
      check ((status = 'pending') = (invoice_id is null))
    );
    create index invoice_work_items_open on invoice_work_items (period, position) where status <> 'done';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table invoice_work_items`.execute(db);
}
