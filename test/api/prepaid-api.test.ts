// Issue 13 / R15: prepaid accounts over real HTTP: the balance check answers the balance and masa aktif, and the
// permission route refuses with reason 'balance' at zero (and lets a give-back lift it).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCustomerKey } from '../../src/api/api-keys.ts';
import { closePrepaidAccount } from '../../src/billing/prepaid/close-prepaid.ts';
import { runPrepaidForfeiture } from '../../src/billing/prepaid/forfeit.ts';
import { recordTopup } from '../../src/billing/prepaid/top-up.ts';
import { wibDateOf } from '../../src/domain/period.ts';
import { addMonths } from '../../src/domain/prepaid.ts';
import { addPrepaidCustomers } from '../billing/prepaid/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers } from '../support/fixtures.ts';
import { json, sendNow, startTestApi, type TestApi } from './support.ts';

let t: TestDatabase;
let api: TestApi;
const today = wibDateOf(new Date());
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['POST']);
  await addPrepaidCustomers(t.db, ['PFULL', 'PZERO', 'PGONE', 'PNEW', 'PSHUT', 'PSOON'], '2025-01-01');
  api = await startTestApi(t);
});
afterAll(async () => {
  await api.api.close();
  await t.close();
});

/** One balance check with a fresh key of the customer (one check per key per 15 minutes). */
const balanceOf = async (code: string) => {
  const { key } = await issueCustomerKey(t.db, code);
  const res = await api.post('/v1/balance', JSON.stringify({ apikey: key }), 'application/json', null);
  expect(res.status).toBe(200);
  return (await json(res)).balance_respon[0];
};
const permissionOf = async (code: string) => {
  const res = await api.get(`/v1/customers/${code}/permission`);
  expect(res.status).toBe(200);
  return json(res);
};

describe('R15/DESIGN §2: POST /v1/balance for prepaid accounts', () => {
  it('R15: a balance answers 10 with the balance in whole rupiah and the day it is forfeited if unused', async () => {
    const topup = await recordTopup(t.db, { customerCode: 'PFULL', amount: 1_250_000, date: today });
    expect(topup.expires_on).toBe(addMonths(today, 12));
    // Nothing sent since the top-up: the inactivity rule forfeits it after 6 months, before masa aktif ends.
    expect(await balanceOf('PFULL')).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: '1250000',
      Expired: addMonths(today, 6),
    });
    expect(await permissionOf('PFULL')).toMatchObject({
      billing: 'prepaid',
      may_send: true,
      reason: null,
      balance: 1_250_000,
      left: 1_250_000,
    });
  });

  it('R15: used up through the API: Balance "0", permission refused with reason balance; a Reject gives back and lifts it', async () => {
    await recordTopup(t.db, { customerCode: 'PZERO', amount: 100_000, date: today });
    // R15: 350 a part; 285 one-part messages are 99.750, the 286th takes the last 250 and the balance stops at 0.
    const lines = Array.from({ length: 286 }, (_, i) => sendNow('PZERO', 50_000 + i)).join('\n');
    expect(await json(await api.post('/v1/gateway/log', lines))).toMatchObject({ accepted: 286 });
    expect(await balanceOf('PZERO')).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: '0',
      Expired: addMonths(today, 12),
    });
    expect(await permissionOf('PZERO')).toMatchObject({
      billing: 'prepaid',
      may_send: false,
      reason: 'balance',
      reasons: ['balance'],
      usage: 0,
      quota: 0,
      left: 0,
      balance: 0,
    });
    // R2/R15: a Reject of a fully charged message gives its 350 back, and the view lets the account send again.
    const reject = JSON.stringify({
      status_respon: [{ sendingid: 50_000, number: '6281234567890', deliverystatus: '6' }],
    });
    const callback = await api.post('/v1/gateway/callback', reject, 'application/json');
    expect(await json(callback)).toMatchObject({ reports_applied: 1 });
    expect(await permissionOf('PZERO')).toMatchObject({ may_send: true, reason: null, balance: 350 });
  });

  it('R15: a forfeited balance answers 10 with Balance "0" and its masa aktif; the gateway sees reason balance', async () => {
    await recordTopup(t.db, { customerCode: 'PGONE', amount: 100_000, date: '2025-01-02' });
    const run = await runPrepaidForfeiture(t.db, today);
    expect(run.forfeited.map((f) => f.customer_code)).toEqual(['PGONE']);
    expect(await balanceOf('PGONE')).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: '0',
      Expired: '2026-01-02',
    });
    expect(await permissionOf('PGONE')).toMatchObject({ may_send: false, reason: 'balance', balance: 0 });
  });

  it('R15: an account in use answers the end of its masa aktif when that comes before 6 months of silence', async () => {
    const topupOn = addMonths(today, -11);
    await recordTopup(t.db, { customerCode: 'PSOON', amount: 100_000, date: topupOn });
    expect(await json(await api.post('/v1/gateway/log', sendNow('PSOON', 60_000)))).toMatchObject({
      accepted: 1,
    });
    expect(await balanceOf('PSOON')).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: String(100_000 - 350),
      Expired: addMonths(topupOn, 12),
    });
  });

  it('R15: an account never topped up answers Balance "0" and an empty Expired (no masa aktif yet)', async () => {
    expect(await balanceOf('PNEW')).toEqual({
      globalstatus: 10,
      globalstatustext: 'Success',
      Balance: '0',
      Expired: '',
    });
  });

  it('R15/R13: a closed prepaid account answers 25 Error Check Balance; permission says closed', async () => {
    await recordTopup(t.db, { customerCode: 'PSHUT', amount: 100_000, date: today });
    const { key } = await issueCustomerKey(t.db, 'PSHUT');
    await closePrepaidAccount(t.db, {
      customerCode: 'PSHUT',
      date: today,
      now: new Date(),
      confirmForfeit: true,
    });
    const res = await api.post('/v1/balance', JSON.stringify({ apikey: key }), 'application/json', null);
    expect((await json(res)).balance_respon[0]).toEqual({
      globalstatus: 25,
      globalstatustext: 'Error Check Balance',
    });
    expect(await permissionOf('PSHUT')).toMatchObject({ may_send: false, reason: 'closed', balance: 0 });
  });

  it('R15: a prepaid customer whose prepaid account was never opened answers 25, and permission 404', async () => {
    await t.db.updateTable('customers').set({ billing: 'prepaid' }).where('code', '=', 'POST').execute();
    try {
      expect((await balanceOf('POST')).globalstatus).toBe(25);
      expect((await api.get('/v1/customers/POST/permission')).status).toBe(404);
    } finally {
      await sql`update customers set billing = 'postpaid' where code = 'POST'`.execute(t.db);
    }
  });
});
