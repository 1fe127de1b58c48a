// R11: month-end settlement run by hand (`npm run settle`), and the catch-up rule for it: which run by hand
// counts for the scheduler, as countsForCatchUp in issue-month.ts does for the invoice run.
import { runSettlement, type SettlementSummary, type SettleOptions } from '../billing/deposit/settle.ts';
import type { Database } from '../db/connect.ts';
import { wibDateOf } from '../domain/period.ts';
import { settleCounts } from '../scheduler/job-counts.ts';
import { recordJobRun } from '../scheduler/job-runs.ts';

/**
 * The catch-up rule for settlement (issue 17): a run by hand counts as the scheduled month-end run only when it is
 * that run, as of the 1st of the current month (WIB). Any other date (e.g. --as-of 2026-11-30, which settles the
 * invoices issued in October) does not, or the daemon would skip the real settlement of 1 December. Not counting
 * costs nothing: settlement is idempotent, a second run deducts nothing more.
 */
export function settleCountsForCatchUp(asOf: string, now: Date): boolean {
  return asOf === `${wibDateOf(now).slice(0, 7)}-01`;
}

/** Settles as of `opts.asOf`, recorded as the job's run when the catch-up rule says it is the month-end run. */
export function settleByHand(
  database: Database,
  opts: SettleOptions,
  onWait?: () => void,
): Promise<SettlementSummary> {
  const run = () => runSettlement(database, opts, onWait);
  return settleCountsForCatchUp(opts.asOf, opts.now)
    ? recordJobRun(database, 'settle', 'manual', run, { countsOf: settleCounts })
    : run();
}
