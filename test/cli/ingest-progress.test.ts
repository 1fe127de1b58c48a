import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestProgress } from '../../src/cli/ingest-progress.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, sendLine, tempDir } from '../support/fixtures.ts';

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
  dir = await tempDir();
});
afterAll(async () => {
  await t.close();
});

/** Runs the ingest command on a real pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function ingestOnTerminal(file: string): Promise<{ code: number | null; output: string }> {
  const root = path.resolve(import.meta.dirname, '../..');
  const command = `${process.execPath} --import tsx src/cli/ingest.ts ${file}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: t.url, COLUMNS: '160' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end();
  });
}

describe('issue 17: ingest progress', () => {
  it('piped: one plain line every 10 s with lines, share of the bytes, rate and time left', () => {
    const written: string[] = [];
    let clock = 1_000_000;
    let bytes = 0;
    const progress = ingestProgress({
      stream: { isTTY: false, write: (s: string) => written.push(s) },
      bytes: () => ({ done: bytes, total: 100 * 1024 * 1024 }),
      now: () => clock,
    });
    for (let second = 1; second <= 35; second++) {
      clock += 1000;
      bytes += 2 * 1024 * 1024;
      progress.update(second * 1000);
    }
    progress.stop(35_000);
    expect(written).toEqual([
      'ingest: 10000 lines, 20 % of 100.0 MB, 1000 lines/s, about 40 s left\n',
      'ingest: 20000 lines, 40 % of 100.0 MB, 1000 lines/s, about 30 s left\n',
      'ingest: 30000 lines, 60 % of 100.0 MB, 1000 lines/s, about 20 s left\n',
    ]);
  });

  it('piped from standard input (size unknown): lines and rate, no share', () => {
    const written: string[] = [];
    let clock = 0;
    const progress = ingestProgress({
      stream: { write: (s: string) => written.push(s) },
      bytes: () => ({ done: 0, total: null }),
      now: () => clock,
    });
    clock = 10_000;
    progress.update(5000);
    expect(written).toEqual(['ingest: 5000 lines, 500 lines/s\n']);
  });

  it('on a terminal: a cli-progress bar with percentage, lines, rate and ETA', async () => {
    const file = path.join(dir, 'bar.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) =>
      sendLine({ customer: 'ACME', sendingid: 1 + i, sent_at: '2026-10-05T10:11:12+07:00' }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const r = await ingestOnTerminal(file);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/ingest \[[█░]+\] 100% \| 3000 lines \| \d+ lines\/s \| ETA /);
    expect(r.output).toMatch(/messages loaded: +3000/);
  });
});
