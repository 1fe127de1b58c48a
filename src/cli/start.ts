import { Command } from 'commander';
import { startApi } from '../api/serve-api.ts';
import type { Config } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import { Scheduler } from '../scheduler/daemon.ts';
import { registerDaemon } from '../scheduler/daemon-presence.ts';
import { config, runProgram, withDatabase } from './run-command.ts';

/** How long closing the pool and stopping the embedded server may take once the jobs have stopped. */
const CLOSE_TIMEOUT_MS = 10_000;

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** A stop that takes longer than TAGIH_SHUTDOWN_TIMEOUT_SECONDS ends the process; PostgreSQL rolls back. */
function exitAfterShutdownTimeout(cfg: Config, log: Logger): void {
  setTimeout(() => {
    log.error(
      { timeout_s: cfg.shutdownTimeoutSeconds },
      `still not stopped after ${cfg.shutdownTimeoutSeconds} s (TAGIH_SHUTDOWN_TIMEOUT_SECONDS): exiting; the unit in flight is rolled back`,
    );
    process.exit(1);
  }, cfg.shutdownTimeoutSeconds * 1000).unref();
}

/**
 * The daemon's life: signals first (embedded.ts leaves them to us), then the database, the schedule, the catch-up
 * and the timers; on SIGTERM/SIGINT the running job stops at a clean boundary, the pool closes (releasing every
 * advisory lock) and the embedded server stops. A second signal exits at once: every unit of work is a transaction,
 * so PostgreSQL rolls back the one in flight and the next start catches up.
 */
async function runDaemon(cfg: Config, log: Logger): Promise<void> {
  let signalled: NodeJS.Signals | null = null;
  let requestStop: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    requestStop = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) {
      log.warn(
        { signal },
        `second ${signal}: exiting now; PostgreSQL rolls back the unit of work in flight, the next start catches up`,
      );
      process.exit(EXIT_CODE[signal] ?? 1);
    }
    signalled = signal;
    log.info(
      { signal },
      `${signal} received: stopping after the current unit of work (again to exit at once)`,
    );
    requestStop(signal);
    exitAfterShutdownTimeout(cfg, log);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (error) => log.error({ err: error }, 'unhandled rejection'));

  log.info(
    { database: cfg.databaseUrl === null ? 'embedded' : 'DATABASE_URL', timezone: cfg.timezone },
    'tagih scheduler starting',
  );
  await withDatabase(cfg, async ({ database }) => {
    log.info({ database: database.safeUrl }, `database: ${database.safeUrl}`);
    if (signalled !== null) return;
    let presence = await registerDaemon(database.pool);
    if (presence.others > 0) {
      log.warn(
        { others: presence.others },
        `${presence.others} other tagih daemon(s) already run on this database: each job still runs once (advisory locks), but one daemon is enough; stop the others`,
      );
    }
    const scheduler = new Scheduler({ database, config: cfg, log });
    scheduler.logSchedule();
    await scheduler.catchUp();
    // Issue 13: the HTTP API in the same process when TAGIH_API_LISTEN is set.
    const api =
      cfg.apiListen && signalled === null ? await startApi(database, cfg, log, cfg.apiListen) : null;
    if (signalled === null) {
      scheduler.startTimers();
      scheduler.watchDatabase({
        checkMs: cfg.databaseCheckSeconds * 1000,
        maxRetryMs: cfg.databaseRetryMaxSeconds * 1000,
        // The presence lock went with the lost connection: registered again on a new one.
        onBack: async () => {
          await presence.release();
          presence = await registerDaemon(database.pool);
        },
      });
      log.info('running; SIGTERM or Ctrl-C stops it');
    }
    const signal = await stopRequested;
    await api?.close();
    await scheduler.stop(signal);
    await presence.release();
    log.info(
      cfg.databaseUrl === null
        ? 'jobs stopped; closing the database and stopping the embedded server'
        : 'jobs stopped; closing the database',
    );
    setTimeout(() => {
      log.warn('the database did not close in time; exiting anyway');
      process.exit(EXIT_CODE[signal] === undefined ? 1 : 0);
    }, CLOSE_TIMEOUT_MS).unref();
  });
  log.info('stopped');
}

const program = new Command('start')
  .description(
    [
      'Run the scheduler daemon: rollup, settlement, invoices, quota, reminders and mail on their cron',
      'schedules (TAGIH_CRON_*, in TAGIH_TIMEZONE), catching up at start what was missed while it was down.',
      'Logs JSON lines (pretty on a terminal). SIGTERM or Ctrl-C stops it cleanly; a second one at once.',
    ].join(' '),
  )
  .action(async () => {
    const cfg = config();
    await runDaemon(cfg, createLogger({ level: cfg.logLevel, format: cfg.logFormat }));
  });

await runProgram(program);
