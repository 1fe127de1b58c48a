import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueuedMail, queueMail } from '../../src/mail/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
let outDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  outDir = await mkdtemp(path.join(tmpdir(), 'tagih-mail-cli-'));
});
afterAll(async () => {
  await t.close();
});

/** `npm run mail -- ARGS` as finance runs it: no SMTP_URL, so mail becomes .eml files. */
async function mail(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { SMTP_URL: _ignored, ...env } = process.env;
  try {
    const out = await promisify(execFile)('npx', ['tsx', 'src/cli/mail.ts', ...args], {
      env: { ...env, DATABASE_URL: t.url, TAGIH_OUT: outDir },
    });
    return { code: 0, ...out };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run mail', () => {
  it('send writes the pending mail as .eml; list --status and retry --all-failed let finance act; a sent mail is never retried', async () => {
    const c = await t.db
      .insertInto('customers')
      .values({ code: 'ACME', name: 'PT Contoh', emails: ['a@acme.test'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueMail(t.db, {
      kind: 'quota_warning',
      subjectKey: `quota:${c.id}:2026-11:80`,
      customerId: c.id,
      payload: { month: '2026-11', usage: 16_000_000, quota: 20_000_000, percent: 80 },
    });
    await queueMail(t.db, {
      kind: 'payment_received',
      subjectKey: 'payment:1',
      customerId: c.id,
      payload: { invoice_number: 'INV/2026/11/00001' }, // lacks amount, paid_on, open_after
    } as unknown as QueuedMail);

    const sent = await mail('send', '--json');
    expect(sent.code).toBe(2); // one mail failed
    const summary = JSON.parse(sent.stdout);
    expect(summary).toMatchObject({ sent: 1, failed: 1, retrying: 0 });
    expect(summary.files).toEqual([path.join(outDir, 'outbox', '1-quota_warning.eml')]);
    expect(existsSync(summary.files[0])).toBe(true);

    const failed = JSON.parse((await mail('list', '--status', 'failed', '--json')).stdout);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id: 2, kind: 'payment_received', status: 'failed', attempts: 1 });
    expect(failed[0].last_error).toMatch(/needs payload\.open_after/);

    expect(JSON.parse((await mail('retry', '--all-failed', '--json')).stdout)).toEqual({ retried: [2] });
    expect(JSON.parse((await mail('list', '--status', 'pending', '--json')).stdout)).toMatchObject([
      { id: 2, status: 'pending', attempts: 0, last_error: null },
    ]);

    const again = await mail('retry', '1');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Mail 1 was sent on .*; retrying would send it twice/);

    const bad = await mail('list', '--status', 'lost');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--status 'lost' is not a mail status");
  });
});
