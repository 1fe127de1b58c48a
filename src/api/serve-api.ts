// Issue 13: the API's life in a process (npm run api, or inside npm start).
import { QuotaRechecker } from '../billing/quota/quota-recheck.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import { buildApi } from './api-server.ts';

export interface RunningApi {
  readonly url: string;
  /** Stops taking requests, lets those in flight commit and answer, then waits for their quota re-checks. */
  close(): Promise<void>;
}

export async function startApi(
  database: Database,
  config: Config,
  log: Logger,
  listen: { readonly host: string; readonly port: number },
  testing: { readonly keyClock?: () => number } = {},
): Promise<RunningApi> {
  const apiLog = log.child({ component: 'api' });
  const quota = new QuotaRechecker(database, apiLog);
  let closing = false;
  const app = await buildApi({
    database,
    log: apiLog,
    maxBodyBytes: config.apiMaxBodyBytes,
    storeMessageText: config.storeMessageText,
    quota,
    closing: () => closing,
    trustProxy: config.apiTrustProxy,
    keyClock: testing.keyClock,
  });
  const url = await app.listen({ host: listen.host, port: listen.port });
  apiLog.info({ url }, `API listening on ${url} (OpenAPI: ${url}/v1/openapi.json)`);
  if (config.apiTrustProxy !== false) {
    const proxies = config.apiTrustProxy.join(', ');
    apiLog.info({ trust_proxy: proxies }, `client addresses from X-Forwarded-For of ${proxies}`);
  }
  return {
    url,
    close: async () => {
      closing = true;
      await app.close();
      await quota.idle();
      apiLog.info('API stopped');
    },
  };
}
