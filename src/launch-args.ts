// The node arguments that run one of tagih's entry files exactly as package.json's scripts do: bundled and started
// by src/launch.mjs, in a heap of the same size. For a process that starts another tagih command (the month
// close's worker processes, the benchmarks, the chaos run), so that what it starts is what a user runs.
import { fileURLToPath } from 'node:url';

const LAUNCH = fileURLToPath(new URL('./launch.mjs', import.meta.url));

/** `[...launchArgs('src/cli/invoice.ts'), '--month', …]` for `spawn(process.execPath, …)`. */
export function launchArgs(entry: string): string[] {
  return ['--max-old-space-size=160', LAUNCH, entry];
}
