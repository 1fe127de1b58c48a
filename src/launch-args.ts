// The node arguments that run one of tagih's entry files exactly as package.json's scripts do: bundled and started
// by src/launch.mjs, with the same heap. For a process that starts another tagih command (the month close's worker
// processes, the benchmarks, the chaos run, the tests), so that what it starts is what a user runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCH = fileURLToPath(new URL('./launch.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('./cli/', import.meta.url));

/**
 * Issue 16, measured with `npm run bench -- month` and `-- ingest` at 1 M messages. Most commands run with a young
 * generation of 4 MB a semi-space instead of V8's 16: the month close's main thread then peaks at 237 MB RSS with
 * its PDF workers instead of 282 MB, in the same time (21.5 s against 21.1 s). The ingest is the exception: its
 * main thread turns parsed chunks into COPY data, many short-lived strings, and ran 13.8–14.5 s with 16 MB against
 * 15.9–17.5 s with 4 MB (213 against 183 MB), so the ingest and the API (whose log route is the same ingest) keep
 * V8's default.
 */
const HEAP = {
  lean: ['--max-old-space-size=160', '--max-semi-space-size=4'],
  throughput: ['--max-old-space-size=160'],
} as const;

export type HeapProfile = keyof typeof HEAP;

/** The commands (src/cli/<name>.ts) that run with the throughput heap; package.json says the same. */
export const THROUGHPUT_COMMANDS: ReadonlySet<string> = new Set(['ingest', 'api']);

/** `[...launchArgs('scripts/x.ts'), …]` for `spawn(process.execPath, …)`. */
export function launchArgs(entry: string, heap: HeapProfile = 'lean'): string[] {
  return [...HEAP[heap], LAUNCH, entry];
}

/** The arguments of `npm run <name>` for the command src/cli/<name>.ts. */
export function commandArgs(name: string): string[] {
  return launchArgs(path.join(CLI, `${name}.ts`), THROUGHPUT_COMMANDS.has(name) ? 'throughput' : 'lean');
}
