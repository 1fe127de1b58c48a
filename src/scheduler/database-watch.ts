import type pg from 'pg';
import { connectionProblem, isConnectionLoss } from '../db/connection-errors.ts';
import type { Logger } from '../log.ts';

export interface DatabaseWatchOptions {
  readonly pool: pg.Pool;
  readonly log: Logger;
  /** The database as it may be shown: DATABASE_URL without its password, or the embedded server. */
  readonly where: string;
  /** How often an idle daemon checks that its database still answers. */
  readonly checkMs: number;
  /** The first wait before trying again; it doubles up to maxRetryMs. */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** Called once the database answers again (re-register, catch up), before the schedule resumes. */
  readonly onBack: () => Promise<void>;
}

/**
 * Issue 17: the daemon outlives its database. A heartbeat (or a run that fails on the connection) notices the
 * loss; the daemon logs it, stops starting runs, and tries again with a doubling wait; once PostgreSQL answers it
 * logs how long it was gone and hands over to `onBack` (marking cut-off runs interrupted, catching up).
 */
export class DatabaseWatch {
  private down = false;
  private since = 0;
  private probing = false;
  private stopped = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly wake = new AbortController();
  /** The wait for the database and the catch-up after it, while one is under way. */
  private reconnecting: Promise<void> | null = null;

  constructor(private readonly options: DatabaseWatchOptions) {}

  /** Whether the database is gone now (the schedule waits). */
  get isDown(): boolean {
    return this.down;
  }

  start(): void {
    this.heartbeat = setInterval(() => void this.check(), this.options.checkMs);
    this.heartbeat.unref();
  }

  /**
   * Stops the heartbeat and the retries, and waits for a catch-up in flight (it re-registers the daemon and queues
   * runs): the caller closes the pool next, which must not happen under it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.wake.abort();
    await this.reconnecting;
  }

  /** Reports an error of a run or a query: a lost connection starts the wait for the database. */
  noteError(error: unknown): boolean {
    if (!isConnectionLoss(error)) return false;
    this.lost(error);
    return true;
  }

  private async check(): Promise<void> {
    if (this.down || this.probing || this.stopped) return;
    this.probing = true;
    try {
      await this.options.pool.query('select 1');
    } catch (error) {
      if (!this.noteError(error)) this.options.log.warn({ err: error }, 'database check failed');
    } finally {
      this.probing = false;
    }
  }

  private lost(error: unknown): void {
    if (this.down || this.stopped) return;
    this.down = true;
    this.since = Date.now();
    this.options.log.error(
      { database: this.options.where, err: error },
      `database lost: ${this.options.where} ${connectionProblem(error) ?? 'lost the connection'}; no run starts until it is back, trying again with backoff`,
    );
    // A loss noticed during the catch-up starts the next wait from inside the one ending: only its own is cleared.
    const reconnecting: Promise<void> = this.reconnect().finally(() => {
      if (this.reconnecting === reconnecting) this.reconnecting = null;
    });
    this.reconnecting = reconnecting;
  }

  private async reconnect(): Promise<void> {
    let delay = this.options.firstRetryMs;
    while (!this.stopped) {
      await this.sleep(delay);
      if (this.stopped) return;
      try {
        await this.options.pool.query('select 1');
      } catch (error) {
        delay = Math.min(delay * 2, this.options.maxRetryMs);
        this.options.log.warn(
          { retry_in_s: delay / 1000 },
          `database still unreachable: it ${connectionProblem(error) ?? (error as Error).message}; next try in ${delay / 1000} s`,
        );
        continue;
      }
      if (this.stopped) return;
      const seconds = Math.round((Date.now() - this.since) / 1000);
      this.down = false;
      this.options.log.info(
        { down_s: seconds },
        `database back after ${seconds} s: resuming the schedule and catching up`,
      );
      try {
        await this.options.onBack();
      } catch (error) {
        // Gone again while catching up: wait once more.
        if (!this.noteError(error))
          this.options.log.error({ err: error }, 'catch-up after the outage failed');
      }
      return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.signal.addEventListener('abort', done, { once: true });
    });
  }
}
