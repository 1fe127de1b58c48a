import { addGatewayKey } from '../../src/api/api-keys.ts';
import { type RunningApi, startApi } from '../../src/api/serve-api.ts';
import { loadConfig } from '../../src/config.ts';
import { asDatabase, memoryLogger } from '../scheduler/support.ts';
import type { TestDatabase } from '../support/database.ts';

export const OTP = 'Kode OTP Anda 918273';

export interface TestApi {
  readonly api: RunningApi;
  readonly key: string;
  readonly logLines: () => Array<Record<string, unknown>>;
  post(path: string, body: string, contentType?: string, key?: string | null): Promise<Response>;
  get(path: string, key?: string | null): Promise<Response>;
}

/** The real API on a free port of 127.0.0.1, on the test's database, with a gateway key and an in-memory log. */
export async function startTestApi(
  t: TestDatabase,
  env: Record<string, string> = {},
  testing: { readonly keyClock?: () => number } = {},
): Promise<TestApi> {
  const { log, lines } = memoryLogger();
  const config = loadConfig({ TAGIH_API_MAX_BODY_BYTES: '400000', ...env });
  const api = await startApi(asDatabase(t), config, log, { host: '127.0.0.1', port: 0 }, testing);
  const { key } = await addGatewayKey(t.db, `gw-${Math.random().toString(36).slice(2, 8)}`);
  const headers = (k: string | null | undefined, contentType?: string): Record<string, string> => ({
    ...(k === null ? {} : { authorization: `Bearer ${k ?? key}` }),
    ...(contentType ? { 'content-type': contentType } : {}),
  });
  return {
    api,
    key,
    logLines: lines,
    post: (path, body, contentType = 'application/x-ndjson', k) =>
      fetch(`${api.url}${path}`, { method: 'POST', headers: headers(k, contentType), body }),
    get: (path, k) => fetch(`${api.url}${path}`, { headers: headers(k) }),
  };
}

/** A send record of the current WIB month (the quota is checked as of now). */
export function sendNow(customer: string, sendingid: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    customer,
    sendingid,
    number: '081234567890',
    message: OTP,
    sent_at: new Date().toISOString(),
    ...extra,
  });
}

/** A response's JSON body, for assertions on its fields. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions themselves
export async function json(res: Response): Promise<any> {
  return res.json();
}
