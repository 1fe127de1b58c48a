// R15 on the review page: a month's prepaid top-ups, forfeitures and statements, as finance checks them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { receiptPdfPath, statementPaths } from '../billing/prepaid/prepaid-paths.ts';
import type { Db } from '../db/connect.ts';
import type { MailStatus } from '../db/schema.ts';
import { firstDayOf, lastDayOf } from '../domain/period.ts';

export interface PrepaidTopupRow {
  readonly id: number;
  readonly date: string;
  readonly customerCode: string;
  readonly customerName: string;
  readonly number: string;
  readonly amount: number;
  readonly tax: number;
  readonly total: number;
  readonly pricePerPart: number;
  readonly mailStatus: MailStatus | null;
  /** The receipt PDF on disk, or null when it was not written (or the out folder moved). */
  readonly pdf: string | null;
}

export type ForfeitCause = 'expiry' | 'inactivity' | 'closure';

export interface PrepaidForfeitRow {
  readonly date: string;
  readonly customerCode: string;
  readonly customerName: string;
  readonly amount: number;
  /** A ForfeitCause (forfeitBalance books it as the entry's ref); shown as it is if it were ever another. */
  readonly cause: string;
}

export interface PrepaidStatementRow {
  readonly customerId: number;
  readonly customerCode: string;
  readonly customerName: string;
  readonly opening: number;
  readonly usage: number;
  readonly givebacks: number;
  readonly topups: number;
  readonly forfeits: number;
  readonly closing: number;
  /** The closing balance the mailed statement printed: differs from `closing` when entries were dated into the month later. */
  readonly mailedClosing: number;
  readonly expiresOn: string | null;
  readonly mailStatus: MailStatus;
  readonly pdf: string | null;
  readonly csv: string | null;
}

export interface PrepaidMonth {
  readonly month: string;
  readonly topups: ReadonlyArray<PrepaidTopupRow>;
  readonly forfeits: ReadonlyArray<PrepaidForfeitRow>;
  readonly statements: ReadonlyArray<PrepaidStatementRow>;
  /** Prepaid accounts with activity in the month or a balance at its end, but no statement (yet). */
  readonly withoutStatement: ReadonlyArray<string>;
}

const onDisk = (outDir: string, relative: string): string | null => {
  const file = path.join(outDir, relative);
  return existsSync(file) ? file : null;
};

async function topupsOf(db: Db, outDir: string, from: string, to: string): Promise<PrepaidTopupRow[]> {
  const rows = await db
    .selectFrom('prepaid_topups as t')
    .innerJoin('customers as c', 'c.id', 't.customer_id')
    .select(['t.id', 't.topup_date', 't.number', 't.amount', 't.tax', 't.total', 't.unit_price'])
    .select(['c.code', 'c.name'])
    .select(
      sql<MailStatus | null>`(select m.status from mail_outbox m where m.kind = 'prepaid_topup'
        and m.subject_key = 'topup:' || t.id order by m.id desc limit 1)`.as('mail_status'),
    )
    .where('t.topup_date', '>=', from)
    .where('t.topup_date', '<=', to)
    .orderBy('t.topup_date')
    .orderBy('t.number')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    date: r.topup_date,
    customerCode: r.code,
    customerName: r.name,
    number: r.number,
    amount: r.amount,
    tax: r.tax,
    total: r.total,
    pricePerPart: r.unit_price,
    mailStatus: r.mail_status,
    pdf: onDisk(outDir, receiptPdfPath(r.code, r.number)),
  }));
}

async function forfeitsOf(db: Db, from: string, to: string): Promise<PrepaidForfeitRow[]> {
  const rows = await db
    .selectFrom('prepaid_ledger as l')
    .innerJoin('customers as c', 'c.id', 'l.customer_id')
    .select(['l.entry_date', 'l.amount', 'l.ref', 'c.code', 'c.name'])
    .where('l.kind', '=', 'forfeit')
    .where('l.entry_date', '>=', from)
    .where('l.entry_date', '<=', to)
    .orderBy('l.entry_date')
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({
    date: r.entry_date,
    customerCode: r.code,
    customerName: r.name,
    amount: -r.amount,
    cause: r.ref ?? '—',
  }));
}

type StatementSql = Omit<
  PrepaidStatementRow,
  'pdf' | 'csv' | 'customerId' | 'customerCode' | 'customerName'
> & {
  customer_id: number;
  code: string;
  name: string;
};

/** R15: each statement mailed for the month, with its figures from the ledger (the same sums as the statement's). */
async function statementsOf(db: Db, outDir: string, month: string): Promise<PrepaidStatementRow[]> {
  const from = firstDayOf(month);
  const to = lastDayOf(month);
  const result = await sql<StatementSql>`
    select c.id as customer_id, c.code, c.name, s.status as "mailStatus",
      (s.payload->>'closing')::bigint as "mailedClosing", s.payload->>'expires_on' as "expiresOn",
      coalesce((select l.balance_after from prepaid_ledger l where l.customer_id = c.id and l.entry_date < ${from}::date
        order by l.id desc limit 1), 0)::bigint as opening,
      coalesce((select l.balance_after from prepaid_ledger l where l.customer_id = c.id and l.entry_date <= ${to}::date
        order by l.id desc limit 1), 0)::bigint as closing,
      coalesce(-sum(l.amount) filter (where l.kind = 'usage'), 0)::bigint as usage,
      coalesce(sum(l.amount) filter (where l.kind = 'giveback'), 0)::bigint as givebacks,
      coalesce(sum(l.amount) filter (where l.kind = 'topup'), 0)::bigint as topups,
      coalesce(-sum(l.amount) filter (where l.kind = 'forfeit'), 0)::bigint as forfeits
    from mail_outbox s
    join customers c on c.id = s.customer_id
    left join prepaid_ledger l on l.customer_id = c.id and l.entry_date between ${from}::date and ${to}::date
    where s.kind = 'prepaid_statement' and s.payload->>'month' = ${month}
    group by c.id, c.code, c.name, s.id, s.status, s.payload
    order by c.code`.execute(db);
  return result.rows.map(({ customer_id, code, name, ...r }) => {
    const paths = statementPaths(code, month);
    return {
      ...r,
      customerId: customer_id,
      customerCode: code,
      customerName: name,
      pdf: onDisk(outDir, paths.pdf),
      csv: onDisk(outDir, paths.csv),
    };
  });
}

/** R15: the accounts issueStatements would give a statement for this month that have none. */
async function withoutStatementOf(db: Db, month: string): Promise<string[]> {
  const from = firstDayOf(month);
  const to = lastDayOf(month);
  const result = await sql<{ code: string }>`
    select c.code from prepaid_accounts a join customers c on c.id = a.customer_id
    where (exists (select 1 from prepaid_ledger l where l.customer_id = a.customer_id
              and l.entry_date between ${from}::date and ${to}::date)
        or coalesce((select l.balance_after from prepaid_ledger l where l.customer_id = a.customer_id
              and l.entry_date <= ${to}::date order by l.id desc limit 1), 0) > 0)
      and not exists (select 1 from mail_outbox s where s.kind = 'prepaid_statement'
              and s.customer_id = a.customer_id and s.payload->>'month' = ${month})
    order by c.code`.execute(db);
  return result.rows.map((r) => r.code);
}

/** Everything the prepaid tab shows for `month`: top-ups and forfeitures dated in it, and its statements. */
export async function loadPrepaidMonth(db: Db, outDir: string, month: string): Promise<PrepaidMonth> {
  const from = firstDayOf(month);
  const to = lastDayOf(month);
  return {
    month,
    topups: await topupsOf(db, outDir, from, to),
    forfeits: await forfeitsOf(db, from, to),
    statements: await statementsOf(db, outDir, month),
    withoutStatement: await withoutStatementOf(db, month),
  };
}

/** The files the page links to, found by what the database says (never by a path from the request). */
export async function receiptFileOf(db: Db, outDir: string, topupId: number) {
  const t = await db
    .selectFrom('prepaid_topups as t')
    .innerJoin('customers as c', 'c.id', 't.customer_id')
    .select(['t.number', 'c.code'])
    .where('t.id', '=', topupId)
    .executeTakeFirst();
  if (!t) return null;
  return { number: t.number, file: onDisk(outDir, receiptPdfPath(t.code, t.number)) };
}

export async function statementFileOf(db: Db, outDir: string, customerId: number, month: string) {
  const c = await db.selectFrom('customers').select('code').where('id', '=', customerId).executeTakeFirst();
  if (!c) return null;
  const paths = statementPaths(c.code, month);
  return { code: c.code, pdf: onDisk(outDir, paths.pdf), csv: onDisk(outDir, paths.csv) };
}
