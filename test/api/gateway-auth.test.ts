// Issue 13: the gateway key cache (a revoke takes effect within its TTL, on an injected clock) and
// TAGIH_API_TRUST_PROXY (the balance check's IP allow-list behind a reverse proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGatewayKey, issueCustomerKey, revokeGatewayKey } from '../../src/api/api-keys.ts';
import { setAllowedNetworks } from '../../src/api/customer-ips.ts';
import { GATEWAY_KEY_TTL_MS } from '../../src/api/gateway-key-cache.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';
import { json, startTestApi, type TestApi } from './support.ts';

let t: TestDatabase;
let now = 1_000_000;
let api: TestApi;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'BEHIND']);
  api = await startTestApi(t, {}, { keyClock: () => now });
});
afterAll(async () => {
  await api.api.close();
  await t.close();
});

describe('issue 13: the gateway key cache', () => {
  it(`issue 13: a revoked gateway key gets 401 once the ${GATEWAY_KEY_TTL_MS} ms cache has run out, not before`, async () => {
    const { key, name } = await addGatewayKey(t.db, 'cached-1');
    const permission = () => api.get('/v1/customers/ACME/permission', key);
    expect((await permission()).status).toBe(200);
    await revokeGatewayKey(t.db, name);
    // Within the TTL the process still trusts the key it checked a moment ago (documented; `keys revoke` says so).
    now += GATEWAY_KEY_TTL_MS - 1;
    expect((await permission()).status).toBe(200);
    now += 1;
    expect((await permission()).status).toBe(401);
    // Refusals are not cached, and a revoked key stays refused.
    now += 10 * GATEWAY_KEY_TTL_MS;
    expect((await permission()).status).toBe(401);
  });

  it('issue 13: the cache keeps positive answers only: a key added after a refused look-up works at once', async () => {
    expect((await api.get('/v1/customers/ACME/permission', 'tgk_not-a-key')).status).toBe(401);
    const { key } = await addGatewayKey(t.db, 'cached-2');
    expect((await api.get('/v1/customers/ACME/permission', key)).status).toBe(200);
  });

  it('issue 13: keys revoke says how long a running API may still accept the key', async () => {
    await addGatewayKey(t.db, 'cli-revoked');
    const revoked = await runCli('api', ['keys', 'revoke', 'cli-revoked'], { DATABASE_URL: t.url });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('within 5 seconds');
  });
});

describe('issue 13: TAGIH_API_TRUST_PROXY', () => {
  const balanceFrom = async (server: TestApi, key: string, forwardedFor: string) => {
    const res = await fetch(`${server.api.url}/v1/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ apikey: key }),
    });
    return (await json(res)).balance_respon[0].globalstatus;
  };

  it('DESIGN §2: behind a trusted proxy the allow-list sees X-Forwarded-For; untrusted, the header is ignored', async () => {
    await setAllowedNetworks(t.db, 'BEHIND', ['203.0.113.0/24']);
    const behind = await startTestApi(t, { TAGIH_API_TRUST_PROXY: '127.0.0.1' });
    try {
      const first = await issueCustomerKey(t.db, 'BEHIND');
      expect(await balanceFrom(behind, first.key, '203.0.113.7')).toBe(10);
      const second = await issueCustomerKey(t.db, 'BEHIND');
      expect(await balanceFrom(behind, second.key, '198.51.100.9')).toBe(40);
    } finally {
      await behind.api.close();
    }
    // The default (off): a client cannot pass the allow-list by writing the header itself.
    const direct = await issueCustomerKey(t.db, 'BEHIND');
    expect(await balanceFrom(api, direct.key, '203.0.113.7')).toBe(40);
  });

  it.each([
    ['', false],
    ['off', false],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, loopback ,::1', ['10.0.0.0/8', 'loopback', '::1']],
  ])('issue 13: TAGIH_API_TRUST_PROXY=%j is %j', (raw, expected) => {
    expect(loadConfig({ TAGIH_API_TRUST_PROXY: raw }).apiTrustProxy).toEqual(expected);
  });

  it.each([
    ['true', /would trust every proxy/],
    ['1', /would trust every proxy/],
    ['10.0.0.300', /'10\.0\.0\.300' is not an IP address or network/],
    ['10.0.0.0/33', /'10\.0\.0\.0\/33' is not an IP address or network/],
    [',', /names no proxy/],
  ])('issue 13: TAGIH_API_TRUST_PROXY=%j is refused, naming the key', (raw, message) => {
    expect(() => loadConfig({ TAGIH_API_TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ TAGIH_API_TRUST_PROXY: raw })).toThrow(message);
    expect(() => loadConfig({ TAGIH_API_TRUST_PROXY: raw })).toThrow(/TAGIH_API_TRUST_PROXY=/);
  });

  it('issue 13: npm run api with a bad TAGIH_API_TRUST_PROXY stops at start-up with the key and the form expected', async () => {
    const run = await runCli('api', [], { DATABASE_URL: t.url, TAGIH_API_TRUST_PROXY: 'proxy.local' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("TAGIH_API_TRUST_PROXY=proxy.local: 'proxy.local' is not an IP address");
    expect(run.stderr).toContain('e.g. TAGIH_API_TRUST_PROXY=127.0.0.1');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
