import { type Kysely, sql } from 'kysely';
import { readDataCsv } from './csv.ts';

// Issue 10: the tax rule of PER-11/PJ/2025 (R6 revised) and price lists kept by finance (R18).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- R6: each tax rule says how it rounds and whether the DPP is rounded to whole rupiah before the rate.
    alter table tax_rules
      add column rounding text not null default 'floor' check (rounding in ('floor', 'half_up')),
      add column round_dpp_first boolean not null default false;

    -- R6: the DPP Nilai Lain in whole rupiah as shown on the invoice and its Faktur Pajak (PER-11 art. 129);
    -- null for invoices issued under a rule that does not round it (they keep their 2-decimal DPP).
    alter table invoices add column dpp bigint check (dpp >= 0);

    -- R18: a retired list stays for the invoices that named it, but is no longer in force; the same
    -- (product, customer, start) may then be imported again.
    alter table price_lists add column retired_at timestamptz;
    alter table price_lists drop constraint price_lists_product_customer_id_effective_from_key;
    create unique index price_lists_one_in_force on price_lists (product, coalesce(customer_id, 0), effective_from)
      where retired_at is null;

    -- R18: a graduated list bills one line per band; volume lines carry the tier reached (band_min_parts).
    alter table invoice_lines add column band_min_parts bigint not null default 0 check (band_min_parts >= 0);
    alter table invoice_lines drop constraint invoice_lines_pkey;
    alter table invoice_lines add primary key (invoice_id, product, operator, band_min_parts);
  `.execute(db);

  // R6: every row of the data file, with its rounding; a row an earlier migration inserted gains the new columns.
  for (const row of readDataCsv('tax-rules.csv')) {
    await sql`
      insert into tax_rules (effective_from, label, rate_percent, dpp_numerator, dpp_denominator, rounding, round_dpp_first)
      values (${row.effective_from}, ${row.label}, ${Number(row.rate_percent)}, ${Number(row.dpp_numerator)},
        ${Number(row.dpp_denominator)}, ${row.rounding}, ${row.round_dpp_first === 'true'})
      on conflict (effective_from) do update set rounding = excluded.rounding, round_dpp_first = excluded.round_dpp_first
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from tax_rules where effective_from = '2025-05-22';
    alter table tax_rules drop column rounding, drop column round_dpp_first;
    alter table invoices drop column dpp;
    alter table invoice_lines drop constraint invoice_lines_pkey;
    alter table invoice_lines drop column band_min_parts;
    alter table invoice_lines add primary key (invoice_id, product, operator);
    drop index price_lists_one_in_force;
    alter table price_lists drop column retired_at;
    alter table price_lists add constraint price_lists_product_customer_id_effective_from_key
      unique nulls not distinct (product, customer_id, effective_from);
  `.execute(db);
}
