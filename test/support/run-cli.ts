import { spawn } from 'node:child_process';
import path from 'node:path';
import { commandArgs } from '../../src/launch-args.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const root = path.resolve(import.meta.dirname, '../..');

/** Runs a real command, started as `npm run <script>` starts it (src/launch.mjs), against the given database. */
export function runCli(
  script: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  /** Bytes for the command's standard input (none: standard input is closed). */
  input?: Buffer,
): Promise<CliResult> {
  return runNode([...commandArgs(script), ...args], { TAGIH_REVIEW_BEFORE_SENDING: 'false', ...env }, input);
}

/** Runs `node <nodeArgs>` in the project folder with this environment and `env` over it; collects its output. */
export function runNode(
  nodeArgs: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  input?: Buffer,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
