import cliProgress from 'cli-progress';

/** Where ingest's progress goes: a terminal gets a bar, anything else (a pipe, a log file) a plain line now and then. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface IngestProgressOptions {
  readonly stream: ProgressStream;
  /** Bytes of the log files read so far and their total (null when unknown: standard input). */
  readonly bytes: () => { readonly done: number; readonly total: number | null };
  /** The clock, in ms (a parameter so that the 10-second rhythm can be tested). */
  readonly now?: () => number;
  /** Between two plain lines, in ms. */
  readonly plainEveryMs?: number;
}

export interface IngestProgress {
  update(linesRead: number): void;
  stop(linesRead: number): void;
}

const MB = 1024 * 1024;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A plain line: lines, share of the bytes, rate and the time left, e.g. for `npm run ingest -- … 2>> ingest.log`. */
function plainLine(lines: number, seconds: number, bytes: { done: number; total: number | null }): string {
  const rate = seconds > 0 ? Math.round(lines / seconds) : 0;
  const parts = [`ingest: ${lines} lines`, `${rate} lines/s`];
  if (bytes.total !== null && bytes.total > 0) {
    const share = bytes.done / bytes.total;
    parts.splice(1, 0, `${Math.floor(share * 100)} % of ${(bytes.total / MB).toFixed(1)} MB`);
    if (share > 0) parts.push(`about ${duration((seconds * (1 - share)) / share)} left`);
  }
  return `${parts.join(', ')}\n`;
}

/**
 * Ingest's progress (issue 17): on a terminal a cli-progress bar over the bytes of the files with rate and ETA;
 * otherwise one plain line every 10 s, so a piped run still shows it is alive.
 */
export function ingestProgress(options: IngestProgressOptions): IngestProgress {
  const now = options.now ?? Date.now;
  const started = now();
  if (options.stream.isTTY !== true) {
    const every = options.plainEveryMs ?? 10_000;
    let last = started;
    return {
      update(lines) {
        if (now() - last < every) return;
        last = now();
        options.stream.write(plainLine(lines, (last - started) / 1000, options.bytes()));
      },
      stop() {},
    };
  }
  const known = options.bytes().total;
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream as NodeJS.WritableStream,
      format:
        known === null
          ? 'ingest {lines} lines | {rate} lines/s | {duration_formatted}'
          : 'ingest [{bar}] {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted}',
      hideCursor: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (lines: number) => {
    const seconds = (now() - started) / 1000;
    return { lines, rate: seconds > 0 ? Math.round(lines / seconds) : 0 };
  };
  bar.start(known ?? 1, 0, payload(0));
  return {
    update(lines) {
      bar.update(known === null ? 0 : options.bytes().done, payload(lines));
    },
    stop(lines) {
      bar.update(known === null ? 0 : options.bytes().done, payload(lines));
      bar.stop();
    },
  };
}
