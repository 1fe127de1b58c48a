import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { openPrepaidAccount } from '../billing/prepaid/prepaid-account.ts';
import type { Db } from '../db/connect.ts';
import { formatRupiah } from '../domain/money.ts';
import { buyerTaxColumnsOf, buyerTaxIdentityFrom } from './buyer-tax-input.ts';
import {
  CHANGEABLE_FIELDS,
  type ChangeAuthor,
  type ChangeableField,
  type FieldChange,
  saveCustomerChanges,
} from './customer-changes.ts';
import {
  type CustomerInput,
  differences,
  OPTIONAL_COLUMNS,
  parseCustomerInput,
  REQUIRED_COLUMNS,
} from './customer-input.ts';
import { planUpdate, rowOf } from './update-customer.ts';

export interface CustomerImportSummary {
  readonly rows: number;
  readonly added: number;
  readonly unchanged: number;
  /** Existing customers changed by an import with --update, and each change (old → new). */
  readonly updated: number;
  readonly changes: ReadonlyArray<FieldChange & { readonly row: number; readonly code: string }>;
  readonly rejected: ReadonlyArray<{ readonly row: number; readonly code: string; readonly reason: string }>;
  readonly warnings: ReadonlyArray<string>;
}

export class CustomerFileError extends Error {
  override readonly name = 'CustomerFileError';
}

/** The customer as stored, with the deposit that opened its ledger. */
export async function storedCustomers(
  db: Db,
  codes: ReadonlyArray<string>,
): Promise<Map<string, CustomerInput>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers as c')
    .select([
      'c.code',
      'c.name',
      'c.emails',
      'c.address',
      'c.npwp',
      'c.paper_invoice',
      'c.quota_override',
      'c.buyer_document',
      'c.buyer_document_number',
      'c.buyer_nitku',
      'c.buyer_country',
      'c.billing',
      sql<number>`coalesce((select l.amount from deposit_ledger l where l.customer_id = c.id and l.kind = 'deposit' order by l.id limit 1), 0)::bigint`.as(
        'deposit',
      ),
    ])
    .where('c.code', 'in', codes)
    .execute();
  return new Map(
    rows.map((r) => [
      r.code,
      {
        code: r.code,
        name: r.name,
        emails: r.emails,
        deposit: Number(r.deposit),
        address: r.address,
        npwp: r.npwp,
        paperInvoice: r.paper_invoice,
        quotaOverride: r.quota_override,
        taxIdentity: buyerTaxIdentityFrom(r),
        plan: r.billing,
      },
    ]),
  );
}

async function insertCustomer(db: Db, c: CustomerInput, today: string, ref: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('customers')
      .values({
        code: c.code,
        name: c.name,
        emails: [...c.emails],
        address: c.address,
        npwp: c.npwp,
        paper_invoice: c.paperInvoice,
        quota_override: c.quotaOverride,
        ...buyerTaxColumnsOf(c.taxIdentity),
        billing: c.plan ?? 'postpaid',
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    if (c.plan === 'prepaid') {
      await openPrepaidAccount(trx, inserted.id); // R15: no guarantee deposit, a balance instead
      return true;
    }
    // R9: the deposit column opens the customer's guarantee deposit ledger, once.
    await trx
      .insertInto('deposit_ledger')
      .values({ customer_id: inserted.id, entry_date: today, kind: 'deposit', amount: c.deposit, ref })
      .execute();
    return true;
  });
}

type Rejected = { row: number; code: string; reason: string };
type SaveInput = {
  readonly row: number;
  readonly customer: CustomerInput;
  /** The row's own cells of the changeable fields (an import's columns); all fields when absent. */
  readonly given?: Readonly<Partial<Record<ChangeableField, string>>>;
};

/** Issue 10: an existing customer's row with --update: its changes saved with their history, or why not. */
async function updateFromRow(
  db: Db,
  before: CustomerInput,
  input: SaveInput,
  who: ChangeAuthor,
): Promise<{ readonly changes: ReadonlyArray<FieldChange> } | { readonly reason: string }> {
  const { customer } = input;
  if (before.deposit !== customer.deposit) {
    return {
      reason: `deposit ${formatRupiah(customer.deposit)} differs from the opening deposit ${formatRupiah(before.deposit)}; a deposit is changed with 'npm run deposits -- add', not by import (nothing of this row was changed)`,
    };
  }
  const plan = planUpdate(before, input.given ?? rowOf(customer));
  if (!plan.ok) return { reason: plan.reasons.join('; ') };
  const id = (
    await db.selectFrom('customers').select('id').where('code', '=', customer.code).executeTakeFirstOrThrow()
  ).id;
  await saveCustomerChanges(db, id, plan.after, plan.changes, who);
  return { changes: plan.changes };
}

/** Issue 10: the changeable fields a CSV row holds (a column left out of the file changes nothing). */
function givenOf(
  record: Readonly<Record<string, string | undefined>>,
): Partial<Record<ChangeableField, string>> {
  return Object.fromEntries(
    CHANGEABLE_FIELDS.filter((f) => record[f] !== undefined).map((f) => [f, record[f]!]),
  );
}

/**
 * Adds new customers; the same customer again is 'unchanged'. The same code with other values is refused, or,
 * with `update` (import --update), changed field by field with a history row per change.
 */
export async function saveCustomers(
  db: Db,
  inputs: ReadonlyArray<SaveInput>,
  today: string,
  ref: string,
  update?: ChangeAuthor,
): Promise<Omit<CustomerImportSummary, 'rows' | 'warnings'>> {
  const known = await storedCustomers(
    db,
    inputs.map((i) => i.customer.code),
  );
  const rejected: Rejected[] = [];
  const changes: Array<FieldChange & { row: number; code: string }> = [];
  let added = 0;
  let unchanged = 0;
  let updated = 0;
  for (const input of inputs) {
    const { row, customer } = input;
    const before = known.get(customer.code);
    if (before) {
      const diff = differences(before, customer);
      if (diff.length === 0) unchanged += 1;
      else if (!update) {
        rejected.push({
          row,
          code: customer.code,
          reason: `customer ${customer.code} already exists with a different ${diff.join(', ')}; nothing was changed (correct the row, use another code, or import with --update to apply the change)`,
        });
      } else {
        const done = await updateFromRow(db, before, input, update);
        if ('reason' in done) rejected.push({ row, code: customer.code, reason: done.reason });
        else if (done.changes.length === 0) unchanged += 1;
        else {
          updated += 1;
          changes.push(...done.changes.map((c) => ({ ...c, row, code: customer.code })));
        }
      }
      continue;
    }
    if (await insertCustomer(db, customer, today, ref)) {
      added += 1;
      known.set(customer.code, customer);
    } else {
      unchanged += 1;
    }
  }
  return { added, unchanged, updated, changes, rejected };
}

/**
 * `customers import FILE.csv`: header code,name,email,deposit[,address,npwp,paper_invoice,quota_override,
 * buyer_document,buyer_document_number,buyer_nitku,buyer_country].
 */
export async function importCustomersCsv(
  db: Db,
  file: string,
  today: string,
  minimumDeposit: number,
  update?: ChangeAuthor,
): Promise<CustomerImportSummary> {
  let records: string[][];
  try {
    records = parse(await readFile(file, 'utf8'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new CustomerFileError(`${file} could not be read as CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header)
    throw new CustomerFileError(`${file} is empty; expected a header ${REQUIRED_COLUMNS.join(',')}`);
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new CustomerFileError(
      `${file}: the header lacks ${missing.join(', ')}; expected ${REQUIRED_COLUMNS.join(',')} and optionally ${OPTIONAL_COLUMNS.join(',')}`,
    );
  }
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const warnings = columns.filter((c) => !known.has(c)).map((c) => `column '${c}' is not used`);
  const rejected: Array<{ row: number; code: string; reason: string }> = [];
  const good: SaveInput[] = [];
  const seen = new Map<string, { row: number; customer: CustomerInput }>();
  let repeated = 0;
  rows.forEach((cells, i) => {
    const rowNo = i + 2; // the header is row 1
    if (cells.length !== columns.length) {
      rejected.push({
        row: rowNo,
        code: cells[0] ?? '',
        reason: `has ${cells.length} cells, the header has ${columns.length}`,
      });
      return;
    }
    const record = Object.fromEntries(columns.map((c, j) => [c, cells[j]]));
    const parsed = parseCustomerInput(record, minimumDeposit);
    if (!parsed.ok) {
      rejected.push({ row: rowNo, code: (record.code ?? '').trim(), reason: parsed.reasons.join('; ') });
      return;
    }
    const earlier = seen.get(parsed.customer.code);
    if (earlier) {
      const diff = differences(earlier.customer, parsed.customer);
      if (diff.length > 0) {
        rejected.push({
          row: rowNo,
          code: parsed.customer.code,
          reason: `code ${parsed.customer.code} is already on row ${earlier.row} with a different ${diff.join(', ')}`,
        });
      } else {
        repeated += 1;
      }
      return;
    }
    seen.set(parsed.customer.code, { row: rowNo, customer: parsed.customer });
    good.push({ row: rowNo, customer: parsed.customer, given: givenOf(record) });
  });
  const saved = await saveCustomers(db, good, today, `opening deposit (${file.split('/').pop()})`, update);
  return {
    rows: rows.length,
    added: saved.added,
    unchanged: saved.unchanged + repeated,
    updated: saved.updated,
    changes: saved.changes,
    rejected: [...rejected, ...saved.rejected].sort((a, b) => a.row - b.row),
    warnings,
  };
}
