// Issue 16: the PDF pool's worker threads, as `npm run invoice` uses them. Under vitest the pool renders in-process
// (the workers would load files vitest has not transformed), so this runs a probe as a real process with VITEST
// unset: the workers run the esbuild bundle of pdf-worker.ts and must give the very bytes the in-process renderer
// gives, fonts and templates included.
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/run-cli.ts';

function probe() {
  return runNode(['--import', 'tsx', 'test/support/pdf-worker-probe.ts'], { VITEST: '' });
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
