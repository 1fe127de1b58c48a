// Issue 16: the work items of a month close shared by several workers. One row per (period, customer) to invoice,
// claimed with FOR UPDATE SKIP LOCKED. A worker is alive while its session holds the advisory lock
// 'tagih:invoice-worker:<worker>' (src/db/advisory-lock.ts): PostgreSQL drops it with a killed worker's
// connection, so the items that worker held are claimable again at once, with no timeout to guess.
import { sql } from 'kysely';
import type pg from 'pg';
import { advisoryHoldersSql, lockAdvisory, unlockAdvisory } from '../../db/advisory-lock.ts';
import type { Db } from '../../db/connect.ts';
import type { InvoiceDraft } from './compute-invoices.ts';

/** The run-wide facts every item carries, so a worker on another machine needs only the month. */
export interface PlannedRun {
  readonly period: string;
  readonly issueDate: string;
  readonly snapshot: string;
  readonly actor: string;
  readonly holdMail: boolean;
}

export interface PendingItem extends PlannedRun {
  readonly customerId: number;
  readonly draft: InvoiceDraft;
}

const workerKey = (worker: string) => `tagih:invoice-worker:${worker}`;

/** SQL: the worker named in column `w.worker` is alive (its session holds its advisory lock). */
const alive = sql.raw(`(${advisoryHoldersSql(`'tagih:invoice-worker:' || w.worker`)}) > 0`);

/** A worker's liveness: its advisory lock, held on a connection of its own until `release`. */
export async function holdWorkerLiveness(pool: pg.Pool, worker: string): Promise<() => Promise<void>> {
  const client = await pool.connect();
  try {
    await lockAdvisory(client, workerKey(worker));
  } catch (error) {
    client.release();
    throw error;
  }
  return async () => {
    await unlockAdvisory(client, workerKey(worker)).catch(() => {});
    client.release();
  };
}

/**
 * Writes the plan: one pending item per draft, in the drafts' (code) order. A customer in the plan has no live
 * invoice (computeInvoices left those out), so an older item of theirs (a voided invoice, an interrupted plan) is
 * reset; pending items of customers no longer in the plan are dropped.
 */
export async function planWorkItems(
  db: Db,
  run: PlannedRun,
  drafts: ReadonlyArray<InvoiceDraft>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('invoice_work_items')
      .where('period', '=', run.period)
      .where('status', '=', 'pending')
      .execute();
    if (drafts.length === 0) return;
    await trx
      .insertInto('invoice_work_items')
      .values(
        drafts.map((d, position) => ({
          period: run.period,
          customer_id: d.customerId,
          position,
          draft: JSON.stringify(d),
          issue_date: run.issueDate,
          snapshot: run.snapshot,
          actor: run.actor,
          hold_mail: run.holdMail,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['period', 'customer_id']).doUpdateSet({
          position: sql`excluded.position`,
          status: 'pending',
          draft: sql`excluded.draft`,
          issue_date: sql`excluded.issue_date`,
          snapshot: sql`excluded.snapshot`,
          actor: sql`excluded.actor`,
          hold_mail: sql`excluded.hold_mail`,
          invoice_id: null,
          worker: null,
          claimed_at: null,
          finished_at: null,
        }),
      )
      .execute();
  });
}

/**
 * Claims the first pending item in plan order that no live worker holds. Called under the month's numbering
 * lock, so items are issued in plan order whatever the number of workers (R7: the same numbers as one run).
 */
export async function claimPending(db: Db, period: string, worker: string): Promise<PendingItem | null> {
  const { rows } = await sql<{
    customer_id: number;
    draft: InvoiceDraft;
    issue_date: string;
    snapshot: string;
    actor: string;
    hold_mail: boolean;
  }>`
    update invoice_work_items set worker = ${worker}, claimed_at = now()
    where (period, customer_id) = (
      select w.period, w.customer_id from invoice_work_items w
      where w.period = ${period} and w.status = 'pending' and (w.worker is null or not ${alive})
      order by w.position limit 1 for update skip locked)
    returning customer_id, draft, issue_date, snapshot, actor, hold_mail
  `.execute(db);
  const r = rows[0];
  if (!r) return null;
  return {
    period,
    customerId: r.customer_id,
    draft: r.draft,
    issueDate: r.issue_date,
    snapshot: r.snapshot,
    actor: r.actor,
    holdMail: r.hold_mail,
  };
}

/** Claims an issued item whose documents no live worker is writing (a killed worker's): its invoice id. */
export async function claimIssued(db: Db, period: string, worker: string): Promise<number | null> {
  const { rows } = await sql<{ invoice_id: number }>`
    update invoice_work_items set worker = ${worker}, claimed_at = now()
    where (period, customer_id) = (
      select w.period, w.customer_id from invoice_work_items w
      where w.period = ${period} and w.status = 'issued' and (w.worker is null or not ${alive})
      order by w.position limit 1 for update skip locked)
    returning invoice_id
  `.execute(db);
  return rows[0]?.invoice_id ?? null;
}

export async function markIssued(db: Db, period: string, customerId: number, invoiceId: number) {
  await db
    .updateTable('invoice_work_items')
    .set({ status: 'issued', invoice_id: invoiceId })
    .where('period', '=', period)
    .where('customer_id', '=', customerId)
    .execute();
}

export async function markDone(db: Db, period: string, invoiceId: number) {
  await db
    .updateTable('invoice_work_items')
    .set({ status: 'done', finished_at: sql`now()` })
    .where('period', '=', period)
    .where('invoice_id', '=', invoiceId)
    .execute();
}

/** Items of the period not done yet (held by live workers or claimable). */
export async function openItems(db: Db, period: string): Promise<number> {
  const r = await db
    .selectFrom('invoice_work_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('period', '=', period)
    .where('status', '<>', 'done')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
