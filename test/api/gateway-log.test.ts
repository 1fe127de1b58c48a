// Issue 13: the gateway's log over real HTTP (Fastify on a free port) into real PostgreSQL, through the file
// ingest's parser and loader.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_KEY_TTL_MS } from '../../src/api/gateway-key-cache.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, reportLine } from '../support/fixtures.ts';
import { json, OTP, sendNow, startTestApi, type TestApi } from './support.ts';

let t: TestDatabase;
let api: TestApi;
let now = 0;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'BETA']);
  api = await startTestApi(t, {}, { keyClock: () => now });
});
afterAll(async () => {
  await api.api.close();
  await t.close();
});

async function messagesBetween(from: number, to: number): Promise<number> {
  const r = await t.pool.query('select count(*)::int as n from messages where sending_id between $1 and $2', [
    from,
    to,
  ]);
  return r.rows[0].n;
}

/** 1 000 lines from `first`; the lines at BAD are bad in five different ways. */
function thousandLines(first: number): string[] {
  const lines = Array.from({ length: 1000 }, (_, i) => sendNow(i % 2 ? 'ACME' : 'BETA', first + i));
  const bad = [3, 100, 101, 250, 400, 555, 700, 808, 901, 999];
  bad.forEach((i, k) => {
    lines[i] = [
      '{not json',
      sendNow('NOBODY', first + i),
      sendNow('ACME', first + i, { sent_at: '2026-12-01 10:00' }),
      sendNow('ACME', first + i, { message: '' }),
      sendNow('ACME', first + i, { sendingstatus: 11 }),
    ][k % 5]!;
  });
  return lines;
}

describe('POST /v1/gateway/log', () => {
  it('issue 13: 1 000 NDJSON lines with 10 bad: 990 accepted, 10 rejected with their reasons and kept for replay', async () => {
    const res = await api.post('/v1/gateway/log', `${thousandLines(500_000).join('\n')}\n`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 990, duplicate: 0, rejected: 10, quota_checked: true });
    expect(body.lines).toHaveLength(1000);
    const rejected = body.lines.filter((l: { outcome: string }) => l.outcome === 'rejected');
    expect(rejected.map((l: { line: number }) => l.line)).toEqual([
      4, 101, 102, 251, 401, 556, 701, 809, 902, 1000,
    ]);
    expect(rejected[0].reason).toMatch(/not valid JSON/);
    expect(rejected[1].reason).toMatch(/unknown customer 'NOBODY'/);
    expect(rejected[2].reason).toMatch(/sent_at/);
    expect(rejected[3].reason).toMatch(/empty message/);
    expect(rejected[4].reason).toMatch(/sendingstatus/);
    expect(body.lines[0]).toEqual({ line: 1, outcome: 'accepted', sendingid: 500_000 });
    expect(await messagesBetween(500_000, 500_999)).toBe(990);
    const kept = await t.pool.query(
      "select count(*)::int as n from rejected_lines where file like 'api:gw-%' and resolved_at is null",
    );
    expect(kept.rows[0].n).toBe(10);
  });

  it('issue 13: the parse context kept from batch to batch follows every change: a new customer, product or prefix', async () => {
    const first = async (line: string) =>
      (await json(await api.post('/v1/gateway/log', `${line}\n`))).lines[0];
    expect(await first(sendNow('ACME', 700_000))).toMatchObject({ outcome: 'accepted' });
    expect(await first(sendNow('KAPPA', 700_001))).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/unknown customer 'KAPPA'/),
    });
    await addCustomers(t.db, ['KAPPA']);
    expect(await first(sendNow('KAPPA', 700_002))).toMatchObject({ outcome: 'accepted' });

    expect(await first(sendNow('ACME', 700_003, { product: 'voice_otp' }))).toMatchObject({
      outcome: 'rejected',
    });
    await t.pool.query("insert into products (code, name) values ('voice_otp', 'Voice OTP')");
    expect(await first(sendNow('ACME', 700_004, { product: 'voice_otp' }))).toMatchObject({
      outcome: 'accepted',
    });

    const operatorOf = async (id: number) =>
      (await t.pool.query('select operator from messages where sending_id = $1', [id])).rows[0]?.operator;
    const before = await operatorOf(700_000);
    const other = before === 'xl' ? 'indosat' : 'xl';
    await t.pool.query("update operator_prefixes set operator = $1 where prefix = '812'", [other]);
    try {
      expect(await first(sendNow('ACME', 700_005))).toMatchObject({ outcome: 'accepted' });
      expect(await operatorOf(700_005)).toBe(other);
    } finally {
      await t.pool.query("update operator_prefixes set operator = $1 where prefix = '812'", [before]);
    }
    const versions = await t.pool.query('select version from ingest_context_version');
    expect(Number(versions.rows[0].version)).toBeGreaterThanOrEqual(4);
  });

  it('issue 13: the same batch twice: the second time every good line is a duplicate, nothing is counted twice', async () => {
    const lines = `${thousandLines(600_000).join('\n')}\n`;
    const first = await json(await api.post('/v1/gateway/log', lines));
    const second = await json(await api.post('/v1/gateway/log', lines));
    expect(first).toMatchObject({ accepted: 990, duplicate: 0, rejected: 10 });
    expect(second).toMatchObject({ accepted: 0, duplicate: 990, rejected: 10 });
    expect(second.lines[0]).toEqual({ line: 1, outcome: 'duplicate', sendingid: 600_000 });
    expect(await messagesBetween(600_000, 600_999)).toBe(990);
  });

  it('issue 13: a JSON array of records and delivery reports; a sendingid reused with other content is rejected', async () => {
    const records = [
      JSON.parse(sendNow('ACME', 700_001)),
      { status_respon: [{ sendingid: 700_001, number: '6281234567890', deliverystatus: '3' }] },
      JSON.parse(sendNow('ACME', 500_000, { number: '0857 1111 2222' })),
    ];
    const res = await api.post('/v1/gateway/log', JSON.stringify(records), 'application/json');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 2, duplicate: 0, rejected: 1 });
    expect(body.lines[2]).toMatchObject({ line: 3, outcome: 'rejected', sendingid: 500_000 });
    expect(body.lines[2].reason).toMatch(/already loaded with other content/);
    const m = await t.pool.query('select delivery_status from messages where sending_id = 700001');
    expect(m.rows[0].delivery_status).toBe(3);
  });

  it('issue 13: 400 for a body that is not a list of records, not JSON, or empty; the OTP text is never echoed', async () => {
    const notArray = await api.post(
      '/v1/gateway/log',
      JSON.stringify({ customer: 'ACME' }),
      'application/json',
    );
    expect(notArray.status).toBe(400);
    expect((await json(notArray)).error).toMatch(/body must be array/);
    const broken = await api.post('/v1/gateway/log', `[{"message":"${OTP}",`, 'application/json');
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).toMatch(/not valid JSON/);
    expect(text).not.toContain('918273');
    const empty = await api.post('/v1/gateway/log', '');
    expect(empty.status).toBe(400);
    expect((await json(empty)).error).toMatch(/no lines/);
    const form = await api.post('/v1/gateway/log', 'a=b', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
  });

  it('issue 13: 413 for a body over TAGIH_API_MAX_BODY_BYTES, and nothing of it is loaded', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => sendNow('ACME', 800_000 + i)).join('\n');
    expect(lines.length).toBeGreaterThan(400_000);
    const res = await api.post('/v1/gateway/log', lines);
    expect(res.status).toBe(413);
    expect((await json(res)).error).toMatch(/TAGIH_API_MAX_BODY_BYTES/);
    expect(await messagesBetween(800_000, 804_999)).toBe(0);
  });

  it('issue 13: 401 without a key, with an unknown key, and with a revoked one', async () => {
    const line = sendNow('ACME', 900_001);
    expect((await api.post('/v1/gateway/log', line, 'application/x-ndjson', null)).status).toBe(401);
    expect((await api.post('/v1/gateway/log', line, 'application/x-ndjson', 'tgk_wrong')).status).toBe(401);
    await t.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('kind', '=', 'gateway')
      .execute();
    now += GATEWAY_KEY_TTL_MS; // a running API trusts a key it has checked for that long
    const revoked = await api.post('/v1/gateway/log', line);
    expect(revoked.status).toBe(401);
    expect((await json(revoked)).error).toMatch(/revoked/);
    await t.db.updateTable('api_keys').set({ revoked_at: null }).where('kind', '=', 'gateway').execute();
    expect(await messagesBetween(900_001, 900_001)).toBe(0);
  });

  it('issue 13: a client that disconnects mid-body leaves nothing loaded; the whole batch sent again loads whole', async () => {
    const lines = `${Array.from({ length: 1000 }, (_, i) => sendNow('ACME', 910_000 + i)).join('\n')}\n`;
    const url = new URL(api.api.url);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /v1/gateway/log HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.key}\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${Buffer.byteLength(lines)}\r\n\r\n`,
        );
        socket.write(lines.slice(0, lines.length / 2), () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', reject);
    });
    const again = await json(await api.post('/v1/gateway/log', lines));
    expect(again).toMatchObject({ accepted: 1000, duplicate: 0, rejected: 0 });
    expect(await messagesBetween(910_000, 910_999)).toBe(1000);
  });

  it('issue 13: no log line holds an OTP text', () => {
    const all = JSON.stringify(api.logLines());
    expect(api.logLines().some((l) => l.msg === 'batch committed')).toBe(true);
    expect(all).not.toContain('918273');
    expect(all).not.toContain(api.key);
  });
});

describe('POST /v1/gateway/callback', () => {
  it('R2/issue 13: takes status_respon exactly as the gateway sends it, also with the key in the URL', async () => {
    await api.post('/v1/gateway/log', sendNow('BETA', 950_001));
    const res = await fetch(`${api.api.url}/v1/gateway/callback?key=${api.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: reportLine(950_001, 4),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ accepted: 1, rejected: 0, reports_applied: 1 });
    const m = await t.pool.query('select delivery_status from messages where sending_id = 950001');
    expect(m.rows[0].delivery_status).toBe(4);
    const bad = await api.post('/v1/gateway/callback', JSON.stringify({ status: [] }), 'application/json');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/status_respon/);
    expect((await api.post('/v1/gateway/callback', reportLine(1, 3), 'application/json', null)).status).toBe(
      401,
    );
  });
});

describe('GET /v1/openapi.json', () => {
  it('issue 13: the API documents itself', async () => {
    const res = await fetch(`${api.api.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/balance',
      '/v1/customers/{code}/permission',
      '/v1/gateway/callback',
      '/v1/gateway/log',
    ]);
  });
});
