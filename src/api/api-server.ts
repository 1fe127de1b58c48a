// Issue 13: the HTTP API (Fastify). Routes call the same steps as the commands; every body is checked against its
// JSON schema; the OpenAPI document is served at /v1/openapi.json.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { QuotaRechecker } from '../billing/quota/quota-recheck.ts';
import type { ApiTrustProxy } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { createBatchParser } from '../ingest/chunk-parser.ts';
import { ParseContextCache } from '../ingest/context-cache.ts';
import type { Logger } from '../log.ts';
import { errorHandler } from './api-errors.ts';
import { balanceRoute } from './balance-route.ts';
import { GatewayKeyCache } from './gateway-key-cache.ts';
import { gatewayRoutes } from './gateway-routes.ts';
import { permissionRoute } from './permission-route.ts';

export interface ApiOptions {
  readonly database: Database;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  readonly storeMessageText: boolean;
  readonly quota: QuotaRechecker;
  /** True once the server is closing: answers then end their connection, so keep-alive cannot hold the close. */
  readonly closing?: () => boolean;
  /** Fastify's trustProxy (TAGIH_API_TRUST_PROXY): which proxies' X-Forwarded-For gives the client's address. */
  readonly trustProxy?: ApiTrustProxy;
  /** The gateway key cache's clock (ms), for tests; default Date.now. */
  readonly keyClock?: () => number;
}

/** Fastify wants a mutable list. */
function trustProxyOption(trust: ApiTrustProxy): false | string[] {
  return trust === false ? false : [...trust];
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    // One line per answer of our own (below): Fastify's would log the URL with its query (a ?key=…).
    logController: new LogController({ disableRequestLogging: true }),
    // A close waits for the requests in flight (their batches commit first) and ends idle keep-alive sockets.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Issue 13: behind a reverse proxy request.ip is the proxy's unless it is trusted; the balance check's IP
    // allow-list (global status 40) needs the client's. Off by default: X-Forwarded-For is then ignored.
    trustProxy: trustProxyOption(options.trustProxy ?? false),
  });
  const keys = new GatewayKeyCache(options.database.db, options.keyClock);
  app.setErrorHandler(errorHandler(options.maxBodyBytes));
  app.addHook('onSend', async (_request, reply) => {
    if (options.closing?.()) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'answered',
    );
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'tagih',
        version: '1',
        description:
          "tagih's HTTP interface for the gateway (log, callbacks, permission) and for customers (balance). DESIGN.md §2.",
      },
      components: {
        securitySchemes: {
          gatewayKey: { type: 'http', scheme: 'bearer', description: "'npm run api -- keys add NAME'" },
          gatewayKeyQuery: { type: 'apiKey', in: 'query', name: 'key' },
        },
      },
    },
  });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Issue 13: the log route's lines are parsed on a thread of their own, off the thread that answers requests.
  const parser = createBatchParser();
  app.addHook('onClose', () => parser.close());
  await app.register(gatewayRoutes, {
    database: options.database,
    storeMessageText: options.storeMessageText,
    quota: options.quota,
    keys,
    parser,
    contexts: new ParseContextCache(),
  });
  await app.register(permissionRoute, { database: options.database, keys });
  await app.register(balanceRoute, { database: options.database });
  return app;
}
