// Issue 16: `npm run invoice -- --workers N` starts N worker processes of this same command (`--join`), and
// `--join` is what a second machine runs to share a month being closed. Processes rather than worker threads:
// each has its own connections and its own liveness lock, exactly as a worker on another machine, and one can be
// killed alone (the kill/take-over test does so); the PDFs inside each worker already render on threads.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { joinSharedMonth } from '../billing/invoicing/join-month.ts';
import type { MonthWorkerResult } from '../billing/invoicing/month-worker.ts';
import type { StartWorkers } from '../billing/invoicing/shared-month.ts';
import { launchArgs } from '../launch-args.ts';
import { config, printJson, UserError, withDatabase } from './run-command.ts';

export function workersOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UserError(`--workers '${value}' is not a number of workers from 1 to 64, e.g. --workers 2`);
  return n;
}

/** The worker processes of one month close, sharing this machine's cores for their PDFs. */
export function spawnMonthWorkers(month: string, n: number, out: string | undefined): StartWorkers {
  const pdfThreads = Math.max(1, Math.floor(availableParallelism() / n));
  const args = [
    ...launchArgs(process.argv[1]!),
    '--month',
    month,
    '--join',
    '--json',
    '--pdf-threads',
    String(pdfThreads),
    ...(out ? ['--out', out] : []),
  ];
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      process.stderr.write(`worker ${i} of ${n} for ${month}: pid ${child.pid}\n`);
      child.on('error', (error) => {
        process.stderr.write(`worker ${i} could not start (${error.message}); this run does its share\n`);
        resolve();
      });
      child.on('exit', (code, signal) => {
        // A worker that died leaves its items to the others, and to this run after them.
        if (code !== 0)
          process.stderr.write(
            `worker ${i} (pid ${child.pid}) ended with ${signal ?? `exit code ${code}`}; its open items are taken over\n`,
          );
        resolve();
      });
    });
  return async () => {
    await Promise.all(Array.from({ length: n }, (_, i) => one(i + 1)));
  };
}

/**
 * `--join`: works the items of a month another run is sharing (waiting while it plans), until none is open. With
 * no sharing run under way there is nothing to join, and it says so.
 */
export async function joinMonth(
  month: string,
  opts: { readonly out?: string; readonly pdfThreads?: string; readonly json?: boolean },
): Promise<void> {
  const base = config();
  const cfg = opts.out ? { ...base, outDir: opts.out } : base;
  const pdfThreads = opts.pdfThreads === undefined ? undefined : workersOption(opts.pdfThreads);
  const result: MonthWorkerResult | null = await withDatabase(cfg, ({ database }) =>
    joinSharedMonth(database, cfg, { month, pdfThreads }),
  );
  if (result === null) {
    if (opts.json) printJson({ worker: null, issued: 0, documents: 0 });
    else
      console.log(
        `No shared close of ${month} is under way, so there is nothing to join. Start one with: npm run invoice -- --month ${month} --workers N`,
      );
  } else if (opts.json) printJson(result);
  else
    console.log(
      `Worker ${result.worker} for ${month}: ${result.issued} invoice(s) issued, ${result.documents} with documents written.`,
    );
}
