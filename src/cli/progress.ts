import cliProgress from 'cli-progress';
import type { ProgressStream } from './ingest-progress.ts';

export interface ProgressOptions {
  /** Where the progress goes (default: standard error). */
  readonly stream?: ProgressStream;
  /** The clock, in ms (a parameter so that the 10-second rhythm can be tested). */
  readonly now?: () => number;
  /** Between two plain lines, in ms. */
  readonly plainEveryMs?: number;
}

export type ProgressReporter = ((stage: string, done: number, total: number) => void) & { done(): void };

function seconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r} s` : `${Math.floor(r / 60)} min ${r % 60} s`;
}

/** One plain line of a stage: count, rate and the time left, e.g. `documents: 150/3000, 25/s, about 1 min 54 s left`. */
function plainLine(stage: string, done: number, total: number, elapsed: number): string {
  const rate = elapsed > 0 ? done / elapsed : 0;
  const parts = [`${stage}: ${done}/${total}`, `${Math.round(rate)}/s`];
  if (done < total && rate > 0) parts.push(`about ${seconds((total - done) / rate)} left`);
  return `${parts.join(', ')}\n`;
}

/** Plain lines for a pipe or a log: every 10 s, and once when a stage is complete. */
function plainReporter(stream: ProgressStream, now: () => number, every: number): ProgressReporter {
  let stage = '';
  let started = 0;
  let last = 0;
  const report = (s: string, done: number, total: number) => {
    const t = now();
    if (s !== stage) [stage, started, last] = [s, t, t];
    if (done !== total && t - last < every) return;
    last = t;
    stream.write(plainLine(s, done, total, (t - started) / 1000));
  };
  return Object.assign(report, { done() {} });
}

/**
 * The invoice run's progress (issue 17): on a terminal a cli-progress bar per stage with count, rate and ETA, redrawn
 * whole (no stale digits); otherwise one plain line every 10 s (e.g. in the scheduler's log or a CI run).
 */
export function progressReporter(enabled: boolean, options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  if (!enabled) return Object.assign(() => {}, { done() {} });
  if (stream.isTTY !== true) return plainReporter(stream, now, options.plainEveryMs ?? 10_000);
  let bar: cliProgress.SingleBar | null = null;
  let stage = '';
  let started = 0;
  const report = (s: string, done: number, total: number) => {
    if (s !== stage || bar === null) {
      bar?.stop();
      stage = s;
      started = now();
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: `${s.padEnd(10)} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
          hideCursor: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { rate: 0 });
    }
    const elapsed = (now() - started) / 1000;
    bar.setTotal(total);
    bar.update(done, { rate: elapsed > 0 ? Math.round(done / elapsed) : 0 });
  };
  return Object.assign(report, {
    done() {
      bar?.stop();
      bar = null;
    },
  });
}
