import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setQuotaOverride } from '../../../src/billing/accounts/account-status.ts';
import { addDeposit } from '../../../src/billing/deposit/deposits.ts';
import { checkQuotas, type QuotaResult } from '../../../src/billing/quota/quota.ts';
import { quotaLevel, quotaPercent } from '../../../src/domain/quota.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { addCustomers, customerId, ingestLines, insertMessages, sendLine } from '../../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

const OCTOBER = new Date('2026-10-20T12:00:00+07:00');
const DEPOSIT = 10_000_000; // R10: quota 20.000.000; at 320 a part (20 000+ parts): 80 % = 50 000 parts, 100 % = 62 500

/** Accepted parts on 10 October: 100-part messages and single ones, all Telkomsel. */
async function usage(code: string, parts: number): Promise<void> {
  const big = Math.floor(parts / 100);
  if (big > 0)
    await insertMessages(t.db, { customer: code, count: big, parts: 100, from: '2026-10-10T08:00:00+07:00' });
  if (parts % 100 > 0)
    await insertMessages(t.db, { customer: code, count: parts % 100, from: '2026-10-10T09:00:00+07:00' });
  // insertMessages writes straight into the table: mark the day as the ingest would.
  const id = await customerId(t.db, code);
  await t.db
    .insertInto('daily_usage_dirty')
    .values({ customer_id: id, day: '2026-10-10' })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function check(codes: ReadonlyArray<string>, asOf = OCTOBER): Promise<Map<string, QuotaResult>> {
  const ids = await Promise.all(codes.map((c) => customerId(t.db, c)));
  const s = await checkQuotas(t.db, { asOf, customerIds: ids });
  return new Map(s.customers.map((c) => [c.customer_code, c]));
}

async function mails(code: string, kind: string) {
  const id = await customerId(t.db, code);
  return t.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('customer_id', '=', id)
    .where('kind', '=', kind)
    .execute();
}

async function permission(code: string) {
  return t.db
    .selectFrom('sending_permission')
    .selectAll()
    .where('customer_code', '=', code)
    .executeTakeFirstOrThrow();
}

describe('R10: quota rules (pure)', () => {
  it.each([
    [15_999_999, 20_000_000, 'ok'],
    [16_000_000, 20_000_000, 'warning'],
    [19_999_999, 20_000_000, 'warning'],
    [20_000_000, 20_000_000, 'exceeded'],
    [0, 0, 'exceeded'],
  ] as const)('R10: usage %i of quota %i is %s', (usage, quota, level) => {
    expect(quotaLevel(usage, quota)).toBe(level);
  });

  it('R10: percent is rounded down to 2 decimals, and absent for a zero quota', () => {
    expect(quotaPercent(16_000_000, 20_000_000)).toBe(80);
    expect(quotaPercent(15_999_680, 20_000_000)).toBe(79.99);
    expect(quotaPercent(1, 0)).toBeNull();
  });
});

describe('R10: the quota check', () => {
  beforeAll(async () => {
    await addCustomers(t.db, ['Q79', 'Q80', 'Q99', 'Q100', 'QOVR', 'QNEW', 'QCLI'], DEPOSIT);
    await usage('Q79', 49_999);
    await usage('Q80', 50_000);
    await usage('Q99', 62_499);
    await usage('Q100', 62_500);
    await usage('QOVR', 70_000);
    await usage('QNEW', 62_500);
  });

  it('R10: just under 80 % neither warns nor suspends', async () => {
    const r = (await check(['Q79'])).get('Q79')!;
    expect(r).toMatchObject({
      usage: 49_999 * 320,
      quota: 20_000_000,
      level: 'ok',
      allowed: true,
      warned_now: false,
    });
    expect(await mails('Q79', 'quota_warning')).toEqual([]);
  });

  it('R10: exactly 80 % warns once a month, and the account may still send', async () => {
    const first = (await check(['Q80'])).get('Q80')!;
    expect(first).toMatchObject({
      usage: 16_000_000,
      quota: 20_000_000,
      percent: 80,
      level: 'warning',
      allowed: true,
    });
    expect(first.warned_now).toBe(true);
    const again = (await check(['Q80'])).get('Q80')!;
    expect(again.warned_now).toBe(false);
    const sent = await mails('Q80', 'quota_warning');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject_key).toBe(`quota:${await customerId(t.db, 'Q80')}:2026-10:80`);
    expect(sent[0]!.payload).toEqual({ month: '2026-10', usage: 16_000_000, quota: 20_000_000, percent: 80 });
  });

  it('R10: just under 100 % warns but does not suspend', async () => {
    const r = (await check(['Q99'])).get('Q99')!;
    expect(r).toMatchObject({ usage: 62_499 * 320, level: 'warning', allowed: true, suspended_now: false });
  });

  it('R10: exactly 100 % suspends (reason quota), mails once, and sending_permission refuses', async () => {
    const r = (await check(['Q100'])).get('Q100')!;
    expect(r).toMatchObject({
      usage: 20_000_000,
      quota: 20_000_000,
      percent: 100,
      allowed: false,
      reason: 'quota',
    });
    expect(r.suspended_now).toBe(true);
    expect((await check(['Q100'])).get('Q100')!.suspended_now).toBe(false);
    const suspended = await mails('Q100', 'quota_suspended');
    expect(suspended).toHaveLength(1);
    expect(suspended[0]!.payload).toEqual({ month: '2026-10', usage: 20_000_000, quota: 20_000_000 });
    expect(await permission('Q100')).toMatchObject({
      allowed: false,
      reason: 'quota',
      usage: 20_000_000,
      quota: 20_000_000,
    });
    const s = await t.db
      .selectFrom('suspensions')
      .selectAll()
      .where('customer_id', '=', await customerId(t.db, 'Q100'))
      .execute();
    expect(s).toEqual([expect.objectContaining({ reason: 'quota', month: '2026-10-01', lifted_at: null })]);
  });

  it('R9/R10: a top-up lifts the quota suspension (the deposit grew)', async () => {
    const added = await addDeposit(t.db, {
      customerCode: 'Q100',
      amount: 1_000_000,
      date: '2026-10-20',
      ref: 'top-up',
    });
    expect(added.balanceAfter).toBe(11_000_000);
    const r = (await check(['Q100'])).get('Q100')!;
    expect(r).toMatchObject({ quota: 22_000_000, allowed: true, reason: null, lifted_now: 'deposit grew' });
    expect(await permission('Q100')).toMatchObject({ allowed: true, reason: null, quota: 22_000_000 });
    const s = await t.db
      .selectFrom('suspensions')
      .selectAll()
      .where('customer_id', '=', added.customerId)
      .execute();
    expect(s).toEqual([expect.objectContaining({ lift_reason: 'deposit grew' })]);
    expect(s[0]!.lifted_at).not.toBeNull();
  });

  it('R10: a top-up too small to cover the usage does not lift it', async () => {
    expect((await check(['QOVR'])).get('QOVR')).toMatchObject({ usage: 22_400_000, allowed: false });
    await addDeposit(t.db, { customerCode: 'QOVR', amount: 1_000_000, date: '2026-10-20' });
    expect((await check(['QOVR'])).get('QOVR')).toMatchObject({
      quota: 22_000_000,
      allowed: false,
      lifted_now: null,
    });
  });

  it('R10: raising the quota override lifts it (quota raised)', async () => {
    await setQuotaOverride(t.db, 'QOVR', 30_000_000);
    expect((await check(['QOVR'])).get('QOVR')).toMatchObject({
      quota: 30_000_000,
      allowed: true,
      lifted_now: 'quota raised',
    });
  });

  it('R10: a new month lifts it, and the new month warns afresh', async () => {
    expect((await check(['QNEW'])).get('QNEW')).toMatchObject({ allowed: false, reason: 'quota' });
    const november = new Date('2026-11-02T08:00:00+07:00');
    const r = (await check(['QNEW'], november)).get('QNEW')!;
    expect(r).toMatchObject({ month: '2026-11', usage: 0, allowed: true, lifted_now: 'new month' });
    expect(await permission('QNEW')).toMatchObject({ allowed: true, usage: 0 });
  });

  it('R10: the quota reads the rollups, brought up to date from late messages first', async () => {
    await ingestLines(t.pool, [
      sendLine({ customer: 'Q79', sendingid: 500_001, sent_at: '2026-10-11T08:00:00+07:00' }),
    ]);
    const r = (await check(['Q79'])).get('Q79')!;
    expect(r).toMatchObject({ usage: 50_000 * 320, level: 'warning', warned_now: true });
  });

  it('R10: `quota --json` and `accounts status --json` carry the fields the gateway and finance read', async () => {
    await usage('QCLI', 100);
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: t.url };
    const quota = JSON.parse(
      (
        await run('npx', ['tsx', 'src/cli/quota.ts', '--as-of', '2026-10-20T12:00:00+07:00', '--json'], {
          env,
        })
      ).stdout,
    ) as Array<Record<string, unknown>>;
    const cli = quota.find((q) => q.customer_code === 'QCLI')!;
    expect(cli).toMatchObject({
      customer_code: 'QCLI',
      usage: 35_000,
      quota: 20_000_000,
      percent: 0.17,
      allowed: true,
      reason: null,
    });
    expect(quota.find((q) => q.customer_code === 'QOVR')).toMatchObject({ allowed: true, quota: 30_000_000 });
    const status = JSON.parse(
      (await run('npx', ['tsx', 'src/cli/accounts.ts', 'status', '--customer', 'QCLI', '--json'], { env }))
        .stdout,
    ) as Array<Record<string, unknown>>;
    expect(status).toEqual([
      expect.objectContaining({
        customer_code: 'QCLI',
        allowed: true,
        reason: null,
        usage: 35_000,
        quota: 20_000_000,
        updated_at: expect.any(String),
      }),
    ]);
  });
});

describe('R10: checks out of order', () => {
  it('R10: a check as of an earlier month than the last one changes nothing', async () => {
    await addCustomers(t.db, ['QOLD'], DEPOSIT);
    await usage('QOLD', 62_500);
    await check(['QOLD'], new Date('2026-11-02T08:00:00+07:00'));
    const r = (await check(['QOLD'])).get('QOLD')!;
    expect(r).toMatchObject({ level: 'exceeded', suspended_now: false, allowed: true });
    expect(await permission('QOLD')).toMatchObject({ allowed: true });
  });
});

describe('R10: lift reasons', () => {
  it('R10: removing a small override, with no top-up, lifts it as quota raised', async () => {
    await addCustomers(t.db, ['QCLR'], DEPOSIT);
    await usage('QCLR', 100);
    await setQuotaOverride(t.db, 'QCLR', 35_000);
    expect((await check(['QCLR'])).get('QCLR')).toMatchObject({ allowed: false, reason: 'quota' });
    await setQuotaOverride(t.db, 'QCLR', null);
    expect((await check(['QCLR'])).get('QCLR')).toMatchObject({ allowed: true, lifted_now: 'quota raised' });
  });
});
