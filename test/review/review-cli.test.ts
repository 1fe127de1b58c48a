import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, insertMessages, tempDir } from '../support/fixtures.ts';
import { type CliResult, runCli } from '../support/run-cli.ts';
import { prepareReviewMonth, REVIEW_NOW } from './review-data.ts';

let t: TestDatabase;
let config: Config;
let env: Record<string, string>;

async function invoiceOf(code: string, period = '2026-10-01') {
  return t.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.number', 'i.review_state', 'i.review_note', 'i.status'])
    .where('c.code', '=', code)
    .where('i.period', '=', period)
    .where('i.status', '<>', 'void')
    .executeTakeFirstOrThrow();
}

async function mailStatus(invoiceId: number) {
  return (
    await t.db
      .selectFrom('mail_outbox')
      .select('status')
      .where('invoice_id', '=', invoiceId)
      .where('kind', '=', 'invoice_issued')
      .executeTakeFirstOrThrow()
  ).status;
}

async function eventsOf(invoiceId: number) {
  return t.db
    .selectFrom('invoice_events')
    .select(['event', 'actor', 'detail'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
}

const review = (args: ReadonlyArray<string>) => runCli('review', args, env);

/** The command on a pseudo-terminal (util-linux script), with `input` typed into it. */
function onTerminal(args: ReadonlyArray<string>, input: string): Promise<CliResult> {
  const command = [process.execPath, '--import', 'tsx', 'src/cli/review.ts', ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // The prompt may be followed by a terminal's control sequences: answer once it has been shown.
      if (!answered && /\[y\/N\]/.test(stdout)) {
        answered = true;
        child.stdin.end(input);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const database: Database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-review-cli-'), smtpUrl: null };
  await prepareReviewMonth(database, config);
  env = { DATABASE_URL: t.url, TAGIH_OUT: config.outDir, TAGIH_OPERATOR: 'Budi (finance)', SMTP_URL: '' };
});
afterAll(async () => {
  await t?.close();
});

describe('npm run review from the shell', { timeout: 600_000 }, () => {
  it('list --json: the month as the page shows it, snake_case keys; --flagged only the flagged', async () => {
    const r = await review(['list', '--month', '2026-10', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.customer_code)).toEqual(['ALFA', 'BETA', 'DELTA', 'EKA', 'GAMA']);
    expect(Object.keys(rows[0]!)).toEqual([
      'number',
      'customer_code',
      'customer_name',
      'kind',
      'parts',
      'subtotal',
      'tax',
      'total',
      'invoice_date',
      'due_date',
      'status',
      'review_state',
      'review_note',
      'mail_status',
      'flags',
    ]);
    expect(rows[0]).toMatchObject({ review_state: 'awaiting_review', mail_status: 'held', flags: [] });
    const flagged = JSON.parse((await review(['list', '--month', '2026-10', '--flagged', '--json'])).stdout);
    expect(flagged.map((x: { customer_code: string }) => x.customer_code)).toEqual(['DELTA', 'EKA', 'GAMA']);
    expect(flagged[2].flags[0]).toMatchObject({ kind: 'usage_changed', label: 'Usage up' });
    const text = await review(['list', '--month', '2026-10']);
    expect(text.stdout).toContain((await invoiceOf('GAMA')).number);
    expect(text.stdout).toContain('5 invoice(s); 2 unflagged awaiting approval.');
  });

  it.each([
    [
      ['approve', '--month', '2026-10'],
      /Give either --all-unflagged or the invoice numbers to approve \(not both\)\./,
    ],
    [['approve', '--month', '2026-13', '--all-unflagged'], /'2026-13' is not a month; expected YYYY-MM/],
    [['approve', '--month', '2026-10', 'INV/2099/01/99999'], /There is no invoice INV\/2099\/01\/99999\./],
    [['hold', 'INV/2099/01/99999', '--reason', 'cek dulu'], /There is no invoice INV\/2099\/01\/99999\./],
    [['release', 'INV/2099/01/99999'], /There is no invoice INV\/2099\/01\/99999\./],
  ])('refuses %j with what to do, exit 1', async (args, message) => {
    const r = await review(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('approve refuses an invoice of another month, and changes nothing', async () => {
    const sept = await invoiceOf('ALFA', '2026-09-01');
    const r = await review(['approve', '--month', '2026-10', sept.number]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${sept.number} is an invoice of 2026-09, not of 2026-10; nothing was approved.`,
    );
  });

  it('hold is refused for an invoice whose mail was sent, and for a paid one, saying why', async () => {
    const sent = await invoiceOf('ALFA', '2026-09-01');
    const r = await review(['hold', sent.number, '--reason', 'cek ulang pemakaian']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `${sent.number} was not held: its mail was already sent on .*, and holding cannot call it back\\. Void and reissue it if it is wrong\\.`,
      ),
    );
    const paid = await invoiceOf('BETA', '2026-09-01');
    await t.db
      .updateTable('invoices')
      .set({ status: 'paid', paid_amount: (eb) => eb.ref('total') })
      .where('id', '=', paid.id)
      .execute();
    const p = await review(['hold', paid.number, '--reason', 'cek ulang pemakaian']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(
      new RegExp(
        `${paid.number} was not held: Rp [\\d.]+ has been paid on it \\(paid\\), so there is nothing left to hold back\\.`,
      ),
    );
    const short = await review(['hold', (await invoiceOf('GAMA')).number, '--reason', 'x']);
    expect(short.stderr).toContain('Holding an invoice needs a reason (a few words for the history).');
    expect((await invoiceOf('ALFA', '2026-09-01')).review_state).toBe('approved');
    expect((await invoiceOf('GAMA')).review_state).toBe('awaiting_review');
  });

  it('hold, then release: the same invoice_events as the page, with the operator', async () => {
    const gama = await invoiceOf('GAMA');
    const notHeld = await review(['release', gama.number]);
    expect(notHeld.code).toBe(1);
    expect(notHeld.stderr).toContain(
      `${gama.number} is not held (it is awaiting review); there is nothing to release.`,
    );
    const held = await review(['hold', gama.number, '--reason', 'Pemakaian naik tiga kali; tanya sales']);
    expect(held.code).toBe(0);
    expect(held.stdout).toContain(`${gama.number} held; its mail stays back until it is approved.`);
    expect(await invoiceOf('GAMA')).toMatchObject({
      review_state: 'held',
      review_note: 'Pemakaian naik tiga kali; tanya sales',
    });
    expect(await mailStatus(gama.id)).toBe('held');
    const released = await review(['release', gama.number, '--json']);
    expect(JSON.parse(released.stdout)).toEqual({
      number: gama.number,
      review_state: 'awaiting_review',
      held_for: 'Pemakaian naik tiga kali; tanya sales',
    });
    expect((await invoiceOf('GAMA')).review_state).toBe('awaiting_review');
    expect(await mailStatus(gama.id)).toBe('held');
    expect((await eventsOf(gama.id)).slice(1)).toEqual([
      { event: 'held', actor: 'Budi (finance)', detail: 'Pemakaian naik tiga kali; tanya sales' },
      {
        event: 'released',
        actor: 'Budi (finance)',
        detail: 'was held (Pemakaian naik tiga kali; tanya sales); awaits approval again',
      },
    ]);
  });

  it('approve NUMBER releases and sends its mail; a second approve leaves it as it was', async () => {
    const gama = await invoiceOf('GAMA');
    const r = await review(['approve', '--month', '2026-10', gama.number]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Approved 1: ${gama.number}. Mail: 1 sent, 0 failed, 0 retrying.`);
    expect(await mailStatus(gama.id)).toBe('sent');
    expect((await eventsOf(gama.id)).at(-1)).toMatchObject({ event: 'approved', actor: 'Budi (finance)' });
    const again = await review(['approve', '--month', '2026-10', gama.number, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      approved: [],
      unchanged: [{ number: gama.number, reason: 'already approved' }],
    });
    const hold = await review(['hold', gama.number, '--reason', 'terlambat ditahan']);
    expect(hold.stderr).toContain(`${gama.number} was not held: its mail was already sent`);
  });

  it('more than 20 mails: refused without a terminal unless --yes; asked on a terminal; --yes sends them', async () => {
    const codes = Array.from({ length: 21 }, (_, i) => `MASS${String(i + 1).padStart(2, '0')}`);
    await addCustomers(t.db, codes);
    for (const code of codes)
      await insertMessages(t.db, { customer: code, count: 10, from: '2026-10-07T00:00:00+07:00' });
    const database: Database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
    await runInvoiceMonth(database, config, {
      month: '2026-10',
      issueDate: '2026-11-01',
      dryRun: false,
      actor: 'scheduler',
      holdMail: true,
      now: REVIEW_NOW,
    });
    const refused = await review(['approve', '--month', '2026-10', '--all-unflagged']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      '23 invoices of 2026-10 would be approved and 23 mails sent to customers; that is more than 20 and this is not a terminal to ask on. Add --yes to approve them. Nothing was approved.',
    );
    expect((await invoiceOf('MASS01')).review_state).toBe('awaiting_review');

    const declined = await onTerminal(['approve', '--month', '2026-10', '--all-unflagged'], 'n\n');
    expect(declined.stdout).toContain('Approve 23 invoices of 2026-10 and send 23 mails now? [y/N]');
    expect(declined.stdout).toContain('Nothing was approved.');
    expect(declined.code).toBe(1);
    expect((await invoiceOf('MASS01')).review_state).toBe('awaiting_review');

    const before = (await readdir(path.join(config.outDir, 'outbox'))).length;
    const yes = await review(['approve', '--month', '2026-10', '--all-unflagged', '--yes', '--json']);
    expect(yes.code).toBe(0);
    const result = JSON.parse(yes.stdout);
    expect(result.approved).toHaveLength(23);
    expect(result.mail).toEqual({ sent: 23, failed: 0, retrying: 0 });
    expect((await readdir(path.join(config.outDir, 'outbox'))).length - before).toBe(23);
    for (const code of ['ALFA', 'BETA', 'MASS21'])
      expect((await invoiceOf(code)).review_state).toBe('approved');
    for (const code of ['DELTA', 'EKA']) expect((await invoiceOf(code)).review_state).toBe('awaiting_review');
  });
});
