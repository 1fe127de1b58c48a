import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { openPrepaidAccount } from '../billing/prepaid/prepaid-account.ts';
import type { Db } from '../db/connect.ts';
import {
  type CustomerInput,
  differences,
  OPTIONAL_COLUMNS,
  parseCustomerInput,
  REQUIRED_COLUMNS,
} from './customer-input.ts';

export interface CustomerImportSummary {
  readonly rows: number;
  readonly added: number;
  readonly unchanged: number;
  readonly rejected: ReadonlyArray<{ readonly row: number; readonly code: string; readonly reason: string }>;
  readonly warnings: ReadonlyArray<string>;
}

export class CustomerFileError extends Error {
  override readonly name = 'CustomerFileError';
}

/** The customer as stored, with the deposit that opened its ledger. */
async function existing(db: Db, codes: ReadonlyArray<string>): Promise<Map<string, CustomerInput>> {
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

/** Adds new customers; the same customer again is 'unchanged', the same code with other values is refused. */
export async function saveCustomers(
  db: Db,
  inputs: ReadonlyArray<{ readonly row: number; readonly customer: CustomerInput }>,
  today: string,
  ref: string,
): Promise<Omit<CustomerImportSummary, 'rows' | 'warnings'>> {
  const known = await existing(
    db,
    inputs.map((i) => i.customer.code),
  );
  const rejected: Array<{ row: number; code: string; reason: string }> = [];
  let added = 0;
  let unchanged = 0;
  for (const { row, customer } of inputs) {
    const before = known.get(customer.code);
    if (before) {
      const diff = differences(before, customer);
      if (diff.length === 0) unchanged += 1;
      else {
        rejected.push({
          row,
          code: customer.code,
          reason: `customer ${customer.code} already exists with a different ${diff.join(', ')}; nothing was changed (correct the row, or use another code)`,
        });
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
  return { added, unchanged, rejected };
}

/** `customers import FILE.csv`: header code,name,email,deposit[,address,npwp,paper_invoice,quota_override]. */
export async function importCustomersCsv(
  db: Db,
  file: string,
  today: string,
  minimumDeposit: number,
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
  const good: Array<{ row: number; customer: CustomerInput }> = [];
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
    good.push({ row: rowNo, customer: parsed.customer });
  });
  const saved = await saveCustomers(db, good, today, `opening deposit (${file.split('/').pop()})`);
  return {
    rows: rows.length,
    added: saved.added,
    unchanged: saved.unchanged + repeated,
    rejected: [...rejected, ...saved.rejected].sort((a, b) => a.row - b.row),
    warnings,
  };
}
