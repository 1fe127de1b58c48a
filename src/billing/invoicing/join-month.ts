// Issue 16: joining a month close another process shares (`npm run invoice -- --join`, or a second daemon whose
// invoice job found the first one running it). The sharing run takes the advisory lock 'invoice-planning:<month>',
// then 'invoice-shared:<month>'; it lets go of the first once its plan is written and of the second when it has
// finished. A joiner works only while the second is held and the first is not (in that order of checks, so a plan
// is never read half-made), waits while the run plans, and stops when no item is open (at once if none is). With no sharing run under
// way it does nothing: pending items a crashed plan left are the next sharing run's to re-plan, never a joiner's.
import type pg from 'pg';
import type { Config } from '../../config.ts';
import {
  advisoryHoldersSql,
  lockAdvisory,
  lockAdvisoryShared,
  unlockAdvisory,
  unlockAdvisoryShared,
} from '../../db/advisory-lock.ts';
import type { Database } from '../../db/connect.ts';
import { openItems } from './month-work-items.ts';
import {
  type MonthWorkerOptions,
  type MonthWorkerResult,
  newWorkerName,
  runMonthWorker,
} from './month-worker.ts';

const sharedKey = (month: string) => `tagih:invoice-shared:${month}`;
const planningKey = (month: string) => `tagih:invoice-planning:${month}`;

/** How often a joiner looks again while the sharing run is still planning the month. */
const PLAN_POLL_MS = 500;

export interface SharedRunMark {
  /** The plan is written: joiners may work it. */
  planned(): Promise<void>;
  release(): Promise<void>;
}

/** Marks a sharing run of `month` under way and planning, on a connection of its own, until `release`. */
export async function markSharedRun(pool: pg.Pool, month: string): Promise<SharedRunMark> {
  const client = await pool.connect();
  try {
    await lockAdvisory(client, planningKey(month));
    await lockAdvisoryShared(client, sharedKey(month));
  } catch (error) {
    client.release(true);
    throw error;
  }
  let planning = true;
  const planned = async () => {
    if (!planning) return;
    planning = false;
    await unlockAdvisory(client, planningKey(month));
  };
  return {
    planned,
    async release() {
      await planned().catch(() => {});
      await unlockAdvisoryShared(client, sharedKey(month)).catch(() => {});
      client.release();
    },
  };
}

async function held(pool: pg.Pool, key: string): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>(advisoryHoldersSql('$1'), [key]);
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Works a month another process is sharing: null when no sharing run was under way (or the signal stopped the
 * wait), else what this worker did. `waitForStartMs`: how long to wait for a sharing run to begin (a second
 * daemon whose invoice job fired the same minute as the first's).
 */
export async function joinSharedMonth(
  database: Database,
  config: Config,
  opts: MonthWorkerOptions & { readonly signal?: AbortSignal; readonly waitForStartMs?: number },
): Promise<MonthWorkerResult | null> {
  const period = `${opts.month}-01`;
  const giveUpAt = Date.now() + (opts.waitForStartMs ?? 0);
  let seen = false;
  while (!opts.signal?.aborted) {
    if (await held(database.pool, sharedKey(opts.month))) {
      seen = true;
      // Planned: work what is open; nothing open means the others have done it all (the run may still be writing
      // its register, and may be waiting for this process to end: never wait for it here).
      if (!(await held(database.pool, planningKey(opts.month))))
        return (await openItems(database.db, period)) > 0
          ? runMonthWorker(database, config, opts)
          : { worker: newWorkerName(), issued: 0, documents: 0 };
    } else if (seen || Date.now() >= giveUpAt) return null;
    await new Promise((r) => setTimeout(r, PLAN_POLL_MS));
  }
  return null;
}
