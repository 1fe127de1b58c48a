// Issue 13: permission and the customer's balance check over real HTTP; the 2× quota enforced at the batch.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCustomerKey } from '../../src/api/api-keys.ts';
import { setAllowedNetworks } from '../../src/api/customer-ips.ts';
import { lastDayOf, monthOf } from '../../src/domain/period.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers } from '../support/fixtures.ts';
import { json, sendNow, startTestApi, type TestApi } from './support.ts';

let t: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'CROSS', 'PRE', 'WALL']);
  // R10: a quota of Rp 3.500 is 10 one-part messages at the first tier's 350.
  await t.db.updateTable('customers').set({ quota_override: 3500 }).where('code', '=', 'CROSS').execute();
  await t.db.updateTable('customers').set({ billing: 'prepaid' }).where('code', '=', 'PRE').execute();
  api = await startTestApi(t);
});
afterAll(async () => {
  await api.api.close();
  await t.close();
});

const balance = async (body: string, contentType = 'application/json') => {
  const res = await api.post('/v1/balance', body, contentType, null);
  expect(res.status).toBe(200);
  return (await json(res)).balance_respon[0];
};

describe('GET /v1/customers/{code}/permission', () => {
  it('R10/issue 13: may_send, usage, quota and what is left, from sending_permission', async () => {
    const res = await api.get('/v1/customers/ACME/permission');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      customer: 'ACME',
      billing: 'postpaid',
      may_send: true,
      reason: null,
      reasons: [],
      usage: 0,
      quota: 20_000_000,
      left: 20_000_000,
      balance: null,
      checked_at: null,
    });
  });

  it('issue 13: 404 for an unknown customer, 400 for a malformed code, 401 without a key', async () => {
    expect((await api.get('/v1/customers/NOBODY/permission')).status).toBe(404);
    expect((await api.get('/v1/customers/-bad!/permission')).status).toBe(400);
    expect((await api.get('/v1/customers/ACME/permission', null)).status).toBe(401);
  });

  it('R10/issue 13: a batch crossing 100 % suspends at once: the 200 of the batch comes after sending_permission refuses', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => sendNow('CROSS', 1_000 + i)).join('\n');
    expect(await json(await api.post('/v1/gateway/log', nine))).toMatchObject({
      accepted: 9,
      quota_checked: true,
    });
    const at90 = await json(await api.get('/v1/customers/CROSS/permission'));
    expect(at90).toMatchObject({ may_send: true, usage: 3150, quota: 3500, left: 350 });
    expect(at90.checked_at).not.toBeNull();
    const warned = await t.pool.query(
      "select level from quota_warnings w join customers c on c.id = w.customer_id where c.code = 'CROSS'",
    );
    expect(warned.rows.map((r) => r.level)).toEqual([80]);

    expect(await json(await api.post('/v1/gateway/log', sendNow('CROSS', 1_009)))).toMatchObject({
      accepted: 1,
      quota_checked: true,
    });
    expect(await json(await api.get('/v1/customers/CROSS/permission'))).toMatchObject({
      may_send: false,
      reason: 'quota',
      reasons: ['quota'],
      usage: 3500,
      left: 0,
    });
    const mails = await t.pool.query("select kind from mail_outbox where kind like 'quota%' order by id");
    expect(mails.rows.map((r) => r.kind)).toEqual(['quota_warning', 'quota_suspended']);
  });

  it('R10/R2/issue 13: a callback of reports only re-checks its customers: a Reject under 100 % is visible at once', async () => {
    const reject = JSON.stringify({
      status_respon: [{ sendingid: 1_009, number: '6281234567890', deliverystatus: '6' }],
    });
    expect(await json(await api.post('/v1/gateway/callback', reject, 'application/json'))).toMatchObject({
      accepted: 1,
      reports_applied: 1,
      quota_checked: true,
    });
    expect(await json(await api.get('/v1/customers/CROSS/permission'))).toMatchObject({
      may_send: true,
      reason: null,
      usage: 3150,
      left: 350,
    });
  });
});

describe("POST /v1/balance (the terms' format)", () => {
  it("DESIGN §2: 10 Success with the quota left and the month's last day, then 35 within 15 minutes", async () => {
    const { key } = await issueCustomerKey(t.db, 'ACME');
    expect(await balance(JSON.stringify({ apikey: key }))).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: '20000000',
      Expired: lastDayOf(monthOf(new Date())),
    });
    expect(await balance(JSON.stringify({ apikey: key }))).toEqual({
      globalstatus: 35,
      globalstatustext: 'Check Balance Limit (15 Minute)',
    });
    // 15 minutes later (the slot moved back instead of waiting): answered again
    await sql`update api_keys set last_balance_check_at = now() - interval '15 minutes'`.execute(t.db);
    expect((await balance(JSON.stringify({ apikey: key }))).globalstatus).toBe(10);
  });

  it('DESIGN §2: 20 for malformed JSON, a missing apikey or a wrong Content-Type', async () => {
    const text = { globalstatus: 20, globalstatustext: 'Json Post Error' };
    expect(await balance('{"apikey":')).toEqual(text);
    expect(await balance('{}')).toEqual(text);
    expect(await balance('apikey=x', 'application/x-www-form-urlencoded')).toEqual(text);
  });

  it('DESIGN §2: 30 for an unknown key and for a replaced one', async () => {
    const old = await issueCustomerKey(t.db, 'WALL');
    await issueCustomerKey(t.db, 'WALL');
    expect(await balance(JSON.stringify({ apikey: 'tck_unknown' }))).toEqual({
      globalstatus: 30,
      globalstatustext: 'ApiKey not register',
    });
    expect((await balance(JSON.stringify({ apikey: old.key }))).globalstatus).toBe(30);
  });

  it('DESIGN §2: 40 from an address outside the allow-list; answered once 127.0.0.1 is on it', async () => {
    const { key } = await issueCustomerKey(t.db, 'WALL');
    await setAllowedNetworks(t.db, 'WALL', ['203.0.113.0/24']);
    expect(await balance(JSON.stringify({ apikey: key }))).toEqual({
      globalstatus: 40,
      globalstatustext: 'Ip address not register',
    });
    await setAllowedNetworks(t.db, 'WALL', ['203.0.113.0/24', '127.0.0.1']);
    expect((await balance(JSON.stringify({ apikey: key }))).globalstatus).toBe(10);
  });

  it('R15/DESIGN §2: 25 for a prepaid customer whose prepaid account was never opened', async () => {
    const { key } = await issueCustomerKey(t.db, 'PRE');
    expect(await balance(JSON.stringify({ apikey: key }))).toEqual({
      globalstatus: 25,
      globalstatustext: 'Error Check Balance',
    });
  });

  it('issue 13: no log line holds a customer key', async () => {
    const all = JSON.stringify(api.logLines());
    expect(all).not.toMatch(/tck_[A-Za-z0-9_-]{20}/);
    expect(all).not.toContain(api.key);
  });
});
