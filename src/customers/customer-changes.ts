// Issue 10: what changed in a customer, field by field, as finance reads it (old → new), and the history row kept
// for each change. An issued invoice keeps the buyer it was issued to (invoices.buyer_*), so a change here never
// reaches an issued invoice.
import type { Db } from '../db/connect.ts';
import { BUYER_TAX_COLUMNS, buyerTaxColumnsOf } from './buyer-tax-input.ts';
import type { CustomerInput } from './customer-input.ts';
import { storedCustomers } from './save-customers.ts';

/** The customer changed between reading it and saving (another update ran): nothing was saved. */
export class CustomerChangedMeanwhile extends Error {
  override readonly name = 'CustomerChangedMeanwhile';
}

/** The customer's fields that `customers update` and `import --update` change (the deposit is not one: R9). */
export const CHANGEABLE_FIELDS = [
  'name',
  'email',
  'address',
  'npwp',
  'paper_invoice',
  'quota_override',
  ...BUYER_TAX_COLUMNS,
] as const;
export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];

export interface FieldChange {
  readonly field: ChangeableField;
  /** The value as text (emails joined by '; '), null when there was none. */
  readonly old: string | null;
  readonly new: string | null;
}

/** A customer's changeable fields as text, the way the history and the reports show them. */
export function fieldTexts(c: CustomerInput): Readonly<Record<ChangeableField, string | null>> {
  const tax = buyerTaxColumnsOf(c.taxIdentity);
  return {
    name: c.name,
    email: c.emails.join('; '),
    address: c.address,
    npwp: c.npwp,
    paper_invoice: c.paperInvoice ? 'yes' : 'no',
    quota_override: c.quotaOverride === null ? null : String(c.quotaOverride),
    buyer_document: tax.buyer_document,
    buyer_document_number: tax.buyer_document_number,
    buyer_nitku: tax.buyer_nitku,
    // The country means something only with a document (IDN is the default of every customer).
    buyer_country: tax.buyer_document === null ? null : tax.buyer_country,
  };
}

/** The fields among `fields` in which `after` differs from `before`, in CHANGEABLE_FIELDS order. */
export function changesBetween(
  before: CustomerInput,
  after: CustomerInput,
  fields: ReadonlySet<ChangeableField>,
): ReadonlyArray<FieldChange> {
  const a = fieldTexts(before);
  const b = fieldTexts(after);
  return CHANGEABLE_FIELDS.filter((f) => fields.has(f) && a[f] !== b[f]).map((f) => ({
    field: f,
    old: a[f],
    new: b[f],
  }));
}

/** 'address: Jl. Lama 1 → Jl. Baru 2' ('(none)' for an empty value). */
export function changeText(c: {
  readonly field: string;
  readonly old: string | null;
  readonly new: string | null;
}): string {
  const show = (v: string | null) => (v === null ? '(none)' : `'${v}'`);
  return `${c.field}: ${show(c.old)} → ${show(c.new)}`;
}

/** The customers columns that hold a changed field. */
function columnsOf(after: CustomerInput, changes: ReadonlyArray<FieldChange>) {
  const all = {
    name: after.name,
    emails: [...after.emails],
    address: after.address,
    npwp: after.npwp,
    paper_invoice: after.paperInvoice,
    quota_override: after.quotaOverride,
    ...buyerTaxColumnsOf(after.taxIdentity),
  };
  const changed = new Set<string>(changes.map((c) => (c.field === 'email' ? 'emails' : c.field)));
  return Object.fromEntries(Object.entries(all).filter(([k]) => changed.has(k))) as Partial<typeof all>;
}

export interface ChangeAuthor {
  /** Who: TAGIH_OPERATOR, by default the OS user. */
  readonly actor: string;
  /** 'customers update' or 'customers import FILE --update'. */
  readonly source: string;
  readonly at: Date;
}

/** Writes the changes and their history rows in one transaction (one or the other never stands alone). */
export async function saveCustomerChanges(
  db: Db,
  customerId: number,
  after: CustomerInput,
  changes: ReadonlyArray<FieldChange>,
  who: ChangeAuthor,
): Promise<void> {
  if (changes.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('customers').select('id').where('id', '=', customerId).forUpdate().execute();
    const now = fieldTexts((await storedCustomers(trx, [after.code])).get(after.code)!);
    const moved = changes.filter((c) => now[c.field] !== c.old);
    if (moved.length > 0) {
      throw new CustomerChangedMeanwhile(
        `${after.code} was changed by someone else meanwhile (${moved.map((c) => c.field).join(', ')}); nothing was saved. Look at it again ('npm run customers -- history ${after.code}') and rerun.`,
      );
    }
    await trx.updateTable('customers').set(columnsOf(after, changes)).where('id', '=', customerId).execute();
    await trx
      .insertInto('customer_changes')
      .values(
        changes.map((c) => ({
          customer_id: customerId,
          field: c.field,
          old_value: c.old,
          new_value: c.new,
          actor: who.actor,
          source: who.source,
          changed_at: who.at,
        })),
      )
      .execute();
  });
}
