import { type Kysely, sql } from 'kysely';
import { readDataCsv } from './csv.ts';

const PRICED_OPERATORS = ['telkomsel', 'xl', 'indosat', 'three', 'smartfren'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // R2: Cancel (5) and Reject (6) are final; otherwise Pending 7 → Sent 2 → Delivered 3 → Read 4, forward only.
  await sql`
    create function delivery_status_rank(s smallint) returns integer language sql immutable as $$
      select case s when 7 then 1 when 2 then 2 when 3 then 3 when 4 then 4 else null end
    $$;
    create function merge_delivery_status(cur smallint, inc smallint) returns smallint language sql immutable as $$
      select case
        when cur is null then inc
        when inc is null then cur
        when cur in (5, 6) then cur
        when inc in (5, 6) then inc
        when delivery_status_rank(inc) > delivery_status_rank(cur) then inc
        else cur
      end
    $$;
  `.execute(db);

  for (const row of readDataCsv('operator-prefixes.csv')) {
    await sql`insert into operator_prefixes (prefix, operator) values (${row.prefix}, ${row.operator})`.execute(
      db,
    );
  }
  for (const row of readDataCsv('tax-rules.csv')) {
    await sql`
      insert into tax_rules (effective_from, label, rate_percent, dpp_numerator, dpp_denominator)
      values (${row.effective_from}, ${row.label}, ${Number(row.rate_percent)}, ${Number(row.dpp_numerator)}, ${Number(row.dpp_denominator)})
    `.execute(db);
  }
  for (const row of readDataCsv('holidays.csv')) {
    await sql`insert into holidays (day, kind, name) values (${row.date}, ${row.kind}, ${row.name})`.execute(
      db,
    );
  }
  // R5: the WhatsApp OTP postpaid list of 1 March 2022.
  const list = await sql<{ id: string }>`
    insert into price_lists (product, name, mode, effective_from)
    values ('whatsapp_otp', 'WhatsApp OTP Pascabayar 1 Maret 2022', 'volume', '2022-03-01') returning id
  `.execute(db);
  const listId = list.rows[0]?.id;
  for (const row of readDataCsv('price-list-whatsapp_otp-2022-03-01.csv')) {
    for (const operator of PRICED_OPERATORS) {
      await sql`
        insert into price_tiers (price_list_id, operator, min_parts, unit_price)
        values (${listId}, ${operator}, ${Number(row.min_parts)}, ${Number(row[operator])})
      `.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from price_tiers; delete from price_lists; delete from holidays; delete from tax_rules;
    delete from operator_prefixes;
    drop function if exists merge_delivery_status, delivery_status_rank;
  `.execute(db);
}
