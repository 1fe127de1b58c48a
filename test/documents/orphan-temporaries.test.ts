import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import { loadConfig } from '../../src/config.ts';
import { monthFolder } from '../../src/documents/invoice-paths.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';

// Issue 17: temp files with customer data that a crashed run left behind are removed when the next run starts.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ORPH']);
  await insertMessages(t.db, { customer: 'ORPH', count: 5, from: '2026-10-05T00:00:00+07:00' });
});
afterAll(async () => {
  await t?.close();
});

/** A process id no process has now (the writer of an orphan). */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

describe('orphan temporary files', () => {
  it('R14: the invoice run removes a dead writer’s temp files, keeps a live writer’s and every real file', async () => {
    const config = { ...loadConfig({}), outDir: await tempDir('tagih-orphans-') };
    const folder = monthFolder(config.outDir, '2026-10');
    await mkdir(path.join(folder, 'dry-run'), { recursive: true });
    const dead = deadPid();
    const orphans = [
      path.join(folder, `.INV-2026-11-00001_ORPH.pdf.${dead}.0badc0de.tmp`),
      path.join(folder, 'dry-run', `.register.csv.${dead}.12345678.tmp`),
    ];
    const live = path.join(folder, `.register.csv.${process.pid}.abcdef01.tmp`);
    const mine = path.join(folder, 'notes.tmp');
    for (const f of [...orphans, live, mine]) await writeFile(f, 'PT Orphan, Jl. Rahasia 1, 081234567890');

    const summary = await runInvoiceMonth(
      { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} },
      config,
      {
        month: '2026-10',
        issueDate: '2026-11-01',
        dryRun: false,
        actor: 'test',
        holdMail: true,
        now: new Date('2026-11-27T03:00:00Z'),
      },
    );
    expect(summary.issued).toHaveLength(1);
    for (const f of orphans) expect(existsSync(f), f).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(path.join(folder, 'register.csv'))).toBe(true);
  });
});
