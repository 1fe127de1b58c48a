// Issue 17: the fault suite stays. `npm run chaos -- --small` SIGKILLs the real ingest and invoice commands at
// seeded moments and restarts PostgreSQL once under an invoice run, then compares every figure with a clean run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function chaos(args: ReadonlyArray<string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/chaos.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run chaos (small)', { timeout: 900_000 }, () => {
  it('R2, R7: kills and a PostgreSQL restart change no message, part, status, invoice, number, detail sum or mail', async () => {
    const { code, out } = await chaos(['--small', '--seed', '1717']);
    console.log(out);
    expect(code, out).toBe(0);
    // A kill can miss (the command finished first, on a fast machine); the run says so, and at least one lands.
    expect(out).toMatch(/^chaos: (ingest|invoice) SIGKILLed /m);
    expect(out).toMatch(
      /^chaos: PostgreSQL restarted under invoice once \d+ invoices were stored: it exited 1 with "The database DATABASE_URL=/m,
    );
    for (const figure of [
      'messages',
      'parts',
      'statuses',
      'invoices',
      'numbers',
      'detail amount',
      'outbox digest',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${figure} .* same$`, 'm'));
    }
    expect(out).not.toContain('DIFFERENT');
    expect(out).toMatch(/^no difference in \d+ s$/m);
  });
});
