// Issue 16: the PDF pool's worker threads, as `npm run invoice` uses them. Under vitest the pool renders in-process
// (the workers would load files vitest has not transformed), so this runs a probe as a real process with VITEST
// unset: the workers run the esbuild bundle of pdf-worker.ts and must give the very bytes the in-process renderer
// gives, fonts and templates included.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function probe(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/pdf-worker-probe.ts'], {
      cwd: root,
      env: { ...process.env, VITEST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('issue 16: PDFs rendered on the worker threads', () => {
  it('are byte for byte the in-process renders, and a refused document fails alone', async () => {
    const run = await probe();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim()) as {
      parallelism: number;
      threadsAdded: number;
      same: boolean[];
      refused: string | null;
      afterRefusal: boolean;
    };
    // Two worker threads really started: one thread each, with no TypeScript loader of their own.
    expect(result.parallelism).toBe(2);
    expect(result.threadsAdded).toBe(2);
    expect(result.same).toEqual([true, true, true]);
    expect(result.refused).toMatch(/^PDF rendering failed: /);
    expect(result.afterRefusal).toBe(true);
  }, 60_000);
});
