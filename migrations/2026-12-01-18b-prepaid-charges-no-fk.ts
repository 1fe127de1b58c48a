import { type Kysely, sql } from 'kysely';

// R15, issue 14: the foreign key from prepaid_charges to prepaid_accounts checked every charge row on its own,
// taking a key-share lock on an account row the same transaction already holds for update: about 129 ms of a
// 16 000-message unit's 357 ms charge step (npm run bench -- ingest --prepaid, measured on the bench database
// with and without it). The charge step only ever inserts charges for accounts it has just locked, so the
// reference holds by construction; what the key also guarded, an account row deleted or renumbered under its
// charges, is refused here instead, once per account statement rather than once per charge.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table prepaid_charges drop constraint prepaid_charges_customer_id_fkey;
    create function prepaid_accounts_kept() returns trigger language plpgsql as $$
    begin
      raise exception 'prepaid accounts are never deleted or given another customer (their charges and ledger refer to them)'
        using hint = 'close the account instead: npm run accounts -- close';
    end $$;
    create trigger prepaid_accounts_kept before delete or update of customer_id on prepaid_accounts
      for each row execute function prepaid_accounts_kept();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger prepaid_accounts_kept on prepaid_accounts;
    drop function prepaid_accounts_kept;
    alter table prepaid_charges add constraint prepaid_charges_customer_id_fkey
      foreign key (customer_id) references prepaid_accounts (customer_id);
  `.execute(db);
}
