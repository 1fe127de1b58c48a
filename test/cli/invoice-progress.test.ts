import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/cli/progress.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';

// Issue 17: the invoice run's progress: cli-progress with rate and ETA on a terminal, a plain line every 10 s
// otherwise.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['PROA', 'PROB', 'PROC']);
  for (const customer of ['PROA', 'PROB', 'PROC']) {
    await insertMessages(t.db, { customer, count: 20, from: '2026-10-05T00:00:00+07:00' });
  }
});
afterAll(async () => {
  await t?.close();
});

describe('issue 17: invoice progress', () => {
  it('piped: one plain line every 10 s with count, rate and time left, and one when a stage completes', () => {
    const written: string[] = [];
    let clock = 0;
    const progress = progressReporter(true, {
      stream: { isTTY: false, write: (s: string) => written.push(s) },
      now: () => clock,
    });
    for (let i = 1; i <= 300; i++) {
      clock += 100; // 10 per second
      progress('documents', i, 300);
    }
    clock += 1000;
    progress('mail', 1, 1);
    progress.done();
    // A stage's clock starts at its first report (the 1st document, at 0.1 s): 10 s later is the 101st.
    expect(written).toEqual([
      'documents: 101/300, 10/s, about 20 s left\n',
      'documents: 201/300, 10/s, about 10 s left\n',
      'documents: 300/300, 10/s\n',
      'mail: 1/1, 0/s\n',
    ]);
  });

  it('off (--json): writes nothing', () => {
    const written: string[] = [];
    const progress = progressReporter(false, {
      stream: { isTTY: true, write: (s: string) => written.push(s) },
    });
    progress('issue', 1, 2);
    progress.done();
    expect(written).toEqual([]);
  });

  it('on a terminal: a cli-progress bar per stage with count, rate and ETA', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const out = await tempDir('tagih-progress-');
    const command = `${process.execPath} --import tsx src/cli/invoice.ts --month 2026-10 --issue-date 2026-11-01 --no-email`;
    const r = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: t.url, TAGIH_OUT: out, COLUMNS: '160' },
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
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/issue +\[[█░]+\] 3\/3 \| \d+\/s \| ETA /);
    expect(r.output).toMatch(/documents +\[[█░]+\] 3\/3 \| \d+\/s \| ETA /);
    expect(r.output).toMatch(/issued: 3/);
  });
});
