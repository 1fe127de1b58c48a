import type { Db } from '../db/connect.ts';

/** A deposit, payment, settlement or closure that was not done, with what to do instead (shown as is). */
export class BillingRefused extends Error {
  override readonly name = 'BillingRefused';
}

/** No invoice has the number given: for a bank row, 'unmatched' rather than refused. */
export class InvoiceNotFound extends BillingRefused {
  constructor(readonly invoiceNumber: string) {
    super(`No invoice numbered '${invoiceNumber}' (expected e.g. INV/2026/11/00042). Nothing was recorded.`);
  }
}

export interface CustomerRef {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly status: 'active' | 'closed';
  readonly billing: 'postpaid' | 'prepaid';
  readonly closedOn: string | null;
}

/** The customer with this code, or BillingRefused naming it and where to look. */
export async function customerByCode(db: Db, code: string): Promise<CustomerRef> {
  const c = await db
    .selectFrom('customers')
    .select(['id', 'code', 'name', 'status', 'billing', 'closed_on'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!c) throw new BillingRefused(`No customer with code '${code}'. See 'npm run customers -- list'.`);
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    status: c.status,
    billing: c.billing,
    closedOn: c.closed_on,
  };
}

/** Runs fn, turning a BillingRefused into the caller's error for people (the CLI's UserError). */
export async function refusalsAs<T>(wrap: (message: string) => Error, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof BillingRefused) throw wrap(error.message);
    throw error;
  }
}
