// Issue 13 / DESIGN §2: the optional per-customer IP allow-list of the balance check (global status 40).
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { ApiKeyError } from './api-keys.ts';

const NETWORK = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?)$/;

/** Replaces the customer's allow-list (an empty list: any address may ask). Returns it as PostgreSQL shows it. */
export async function setAllowedNetworks(
  db: Db,
  code: string,
  networks: ReadonlyArray<string>,
): Promise<ReadonlyArray<string>> {
  const bad = networks.filter((n) => !NETWORK.test(n));
  if (bad.length > 0) {
    throw new ApiKeyError(
      `'${bad[0]!.slice(0, 50)}' is not an IP address or network; expected e.g. 203.0.113.7 or 203.0.113.0/24.`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    if (!customer)
      throw new ApiKeyError(`No customer '${code}'. Check the code with 'npm run customers -- list'.`);
    await trx.deleteFrom('customer_api_ips').where('customer_id', '=', customer.id).execute();
    for (const network of networks) {
      try {
        await sql`insert into customer_api_ips (customer_id, network) values (${customer.id}, ${network}::cidr)
          on conflict do nothing`.execute(trx);
      } catch (error) {
        if ((error as { code?: string }).code !== '22P02') throw error;
        throw new ApiKeyError(
          `'${network}' is not a valid network (host bits set? write 203.0.113.0/24, not 203.0.113.7/24). Nothing was changed.`,
        );
      }
    }
    const rows = await sql<{ network: string }>`
      select network::text as network from customer_api_ips where customer_id = ${customer.id} order by network
    `.execute(trx);
    return rows.rows.map((r) => r.network);
  });
}

/** Whether `ip` may ask for this customer's balance: true when the customer has no allow-list. */
export async function ipAllowed(db: Db, customerId: number, ip: string): Promise<boolean> {
  const row = await sql<{ listed: boolean; allowed: boolean }>`
    select count(*) > 0 as listed, coalesce(bool_or(${ip}::inet <<= network), false) as allowed
    from customer_api_ips where customer_id = ${customerId}
  `.execute(db);
  const r = row.rows[0]!;
  return !r.listed || r.allowed;
}
