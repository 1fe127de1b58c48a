import { saveCustomers } from '../../../src/customers/save-customers.ts';
import type { Db } from '../../../src/db/connect.ts';

/** Adds prepaid customers (no guarantee deposit, R15). */
export async function addPrepaidCustomers(
  db: Db,
  codes: ReadonlyArray<string>,
  today = '2026-09-01',
): Promise<void> {
  const saved = await saveCustomers(
    db,
    codes.map((code, i) => ({
      row: i + 2,
      customer: {
        code,
        name: `PT ${code} Prabayar`,
        emails: [`billing@${code.toLowerCase()}.example.id`],
        deposit: 0,
        address: `Jl. Prabayar No. ${i + 1}, Jakarta`,
        npwp: null,
        paperInvoice: false,
        quotaOverride: null,
        plan: 'prepaid',
      },
    })),
    today,
    'opening',
  );
  if (saved.rejected.length > 0) throw new Error(saved.rejected.map((r) => r.reason).join('; '));
}

export async function balanceOf(db: Db, code: string): Promise<number> {
  const row = await db
    .selectFrom('prepaid_balances as b')
    .innerJoin('customers as c', 'c.id', 'b.customer_id')
    .select('b.balance')
    .where('c.code', '=', code)
    .executeTakeFirstOrThrow();
  return row.balance;
}
