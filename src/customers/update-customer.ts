// Issue 10: `customers update CODE --email … --address …`: the given fields over the stored customer, checked as a
// new customer row would be (the same parsers: NPWP, NIK, NITKU, email), then saved with a history row per change.
import type { Db } from '../db/connect.ts';
import {
  type ChangeAuthor,
  type ChangeableField,
  changesBetween,
  type FieldChange,
  saveCustomerChanges,
} from './customer-changes.ts';

import { type CustomerInput, parseCustomerInput } from './customer-input.ts';
import { storedCustomers } from './save-customers.ts';

/** A change finance asked for that cannot be made; the message says why and what to do. */
export class CustomerUpdateRefused extends Error {
  override readonly name = 'CustomerUpdateRefused';
}

/** The stored customer as a CSV row (the form parseCustomerInput reads). */
export function rowOf(c: CustomerInput): Record<string, string> {
  const t = c.taxIdentity ?? null;
  return {
    code: c.code,
    name: c.name,
    email: c.emails.join(';'),
    deposit: String(c.deposit),
    address: c.address ?? '',
    npwp: c.npwp ?? '',
    paper_invoice: c.paperInvoice ? 'yes' : 'no',
    quota_override: c.quotaOverride === null ? '' : String(c.quotaOverride),
    buyer_document: t?.documentType ?? '',
    buyer_document_number: t?.documentNumber ?? '',
    buyer_nitku: t?.nitku ?? '',
    buyer_country: t ? t.country : '',
  };
}

const TAX_FIELDS: ReadonlyArray<ChangeableField> = [
  'npwp',
  'buyer_document',
  'buyer_document_number',
  'buyer_nitku',
  'buyer_country',
];

/**
 * The stored row with the given fields laid over it. R17: a new NPWP of a customer identified by its NPWP (TIN)
 * becomes its TIN identity too, unless a document number is given as well.
 */
export function mergeGiven(
  before: CustomerInput,
  given: Readonly<Partial<Record<ChangeableField, string>>>,
): { readonly row: Record<string, string>; readonly fields: ReadonlySet<ChangeableField> } {
  const row = { ...rowOf(before), ...given };
  const fields = new Set(Object.keys(given) as ChangeableField[]);
  const tin = before.taxIdentity?.documentType === 'TIN';
  if (given.npwp !== undefined && given.buyer_document_number === undefined && tin) {
    row.buyer_document = given.buyer_document ?? '';
    row.buyer_document_number = '';
    if (given.npwp.trim() === '') row.buyer_country = given.buyer_country ?? '';
  }
  if (TAX_FIELDS.some((f) => fields.has(f))) for (const f of TAX_FIELDS) fields.add(f);
  return { row, fields };
}

export interface CustomerUpdate {
  readonly customerId: number;
  readonly code: string;
  readonly changes: ReadonlyArray<FieldChange>;
}

async function loadForUpdate(db: Db, code: string) {
  const ref = await db
    .selectFrom('customers')
    .select(['id', 'status', 'closed_on'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!ref)
    throw new CustomerUpdateRefused(`No customer with code '${code}'. See 'npm run customers -- list'.`);
  return { ...ref, before: (await storedCustomers(db, [code])).get(code)! };
}

/**
 * The customer after the given fields: checked as a new customer row would be, and the changes it makes; or the
 * reasons it is refused. The deposit is not changed here (R9: 'npm run deposits'), so its minimum is not checked.
 */
export function planUpdate(
  before: CustomerInput,
  given: Readonly<Partial<Record<ChangeableField, string>>>,
):
  | { readonly ok: true; readonly after: CustomerInput; readonly changes: ReadonlyArray<FieldChange> }
  | { readonly ok: false; readonly reasons: ReadonlyArray<string> } {
  const { row, fields } = mergeGiven(before, given);
  const parsed = parseCustomerInput(row, 0);
  if (!parsed.ok) return parsed;
  return { ok: true, after: parsed.customer, changes: changesBetween(before, parsed.customer, fields) };
}

/** Applies the given fields to customer `code`: every value checked, all saved or none, each change in the history. */
export async function updateCustomer(
  db: Db,
  code: string,
  given: Readonly<Partial<Record<ChangeableField, string>>>,
  who: ChangeAuthor,
): Promise<CustomerUpdate> {
  if (Object.keys(given).length === 0) {
    throw new CustomerUpdateRefused(
      `Nothing to change for ${code}: give at least one of --name, --email, --address, --npwp, --paper-invoice, --quota-override, --buyer-document, --buyer-document-number, --nitku, --country.`,
    );
  }
  const { id, status, closed_on, before } = await loadForUpdate(db, code);
  const plan = planUpdate(before, given);
  if (!plan.ok) throw new CustomerUpdateRefused(`${code} not changed: ${plan.reasons.join('; ')}.`);
  if (status === 'closed' && plan.changes.some((c) => c.field === 'quota_override')) {
    throw new CustomerUpdateRefused(`${code} was closed on ${closed_on}; its quota cannot be changed.`);
  }
  await saveCustomerChanges(db, id, plan.after, plan.changes, who);
  return { customerId: id, code, changes: plan.changes };
}
