// Issue 13 / R10: the quota within seconds. After an ingest batch commits, the customers it touched are checked
// again with the hourly job's own rules, set-based (runQuotaRecheck, under the job's 'quota' lock, so checks never
// interleave and an older snapshot can never lift a newer suspension): one statement finds who crosses 80 % or
// 100 % (or has a suspension to lift), and only those get the per-customer step. Checks are coalesced: while one
// runs, the customers of later batches wait for the next one, so a burst of batches costs a few checks, not one
// each.
import type pg from 'pg';
import type { Db } from '../../db/connect.ts';
import type { Logger } from '../../log.ts';
import { runQuotaRecheck } from './quota.ts';

interface Waiter {
  readonly resolve: (checked: boolean) => void;
}

export class QuotaRechecker {
  private pending = new Set<number>();
  private waiters: Waiter[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly database: { readonly db: Db; readonly pool: pg.Pool },
    private readonly log: Logger | null,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Queues a check of these customers; resolves once a check that started after this call has finished (true),
   * or failed (false: logged; the hourly job is the safety net). Never rejects.
   */
  recheck(customerIds: Iterable<number>): Promise<boolean> {
    for (const id of customerIds) this.pending.add(id);
    if (this.pending.size === 0) return Promise.resolve(true);
    const done = new Promise<boolean>((resolve) => this.waiters.push({ resolve }));
    this.running ??= this.drainQueue();
    return done;
  }

  /** Resolves when no check is queued or running (before closing the database). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drainQueue(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const ids = [...this.pending];
        const waiters = this.waiters;
        this.pending = new Set();
        this.waiters = [];
        let ok = true;
        try {
          const done = await runQuotaRecheck(this.database, this.clock(), ids);
          for (const c of done.acted) {
            if (c.suspended_now)
              this.log?.warn({ customer: c.customer_code }, `${c.customer_code} suspended: quota (R10)`);
            if (c.lifted_now)
              this.log?.info(
                { customer: c.customer_code },
                `${c.customer_code}: quota suspension lifted (${c.lifted_now})`,
              );
          }
          for (const problem of done.problems) this.log?.warn(problem);
        } catch (error) {
          ok = false;
          this.log?.error({ err: error, customers: ids.length }, 'quota re-check after ingest failed');
        }
        for (const w of waiters) w.resolve(ok);
      }
    } finally {
      this.running = null;
    }
  }
}
