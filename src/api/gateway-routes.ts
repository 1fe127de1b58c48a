// Issue 13: the gateway's log and its delivery reports over HTTP, through the file ingest's parser and loader
// (ingestLineBatch); each request is one batch, one transaction, answered per line once it has committed.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QuotaRechecker } from '../billing/quota/quota-recheck.ts';
import type { Database } from '../db/connect.ts';
import type { BatchParser } from '../ingest/chunk-parser.ts';
import type { ParseContextCache } from '../ingest/context-cache.ts';
import { ingestLineBatch, type LineInput, type LinesResult } from '../ingest/ingest-lines.ts';
import { readLines } from '../ingest/read-lines.ts';
import { requireGatewayKey } from './gateway-auth.ts';
import type { GatewayKeyCache } from './gateway-key-cache.ts';
import { batchAnswerSchema, callbackBodySchema, errorSchema, logBodySchemas } from './schemas.ts';

export interface GatewayRouteOptions {
  readonly database: Database;
  readonly storeMessageText: boolean;
  readonly quota: QuotaRechecker;
  readonly keys: GatewayKeyCache;
  readonly parser?: BatchParser;
  /** The parse context kept from batch to batch (issue 13). */
  readonly contexts?: ParseContextCache;
}

async function linesOf(body: unknown): Promise<LineInput[]> {
  if (Array.isArray(body)) return body.map((record, i) => ({ lineNo: i + 1, text: JSON.stringify(record) }));
  const lines: LineInput[] = [];
  // The file ingest's own line reader: the same BOM, CRLF and trailing-newline handling as a file.
  for await (const line of readLines(Readable.from([String(body)]))) lines.push(line);
  return lines;
}

function answerOf(result: LinesResult, quotaChecked: boolean) {
  return {
    accepted: result.accepted,
    duplicate: result.duplicates,
    rejected: result.rejected,
    reports_applied: result.reportsApplied,
    reports_waiting: result.reportsWaiting,
    quota_checked: quotaChecked,
    lines: result.outcomes,
  };
}

async function loadAndCheck(
  request: FastifyRequest,
  options: GatewayRouteOptions,
  source: string,
  lines: ReadonlyArray<LineInput>,
) {
  request.log.info({ source, lines: lines.length }, 'batch received');
  const result = await ingestLineBatch(options.database.pool, source, lines, {
    storeMessageText: options.storeMessageText,
    parser: options.parser,
    contexts: options.contexts,
  });
  // R10 / issue 13: the customers of this batch are checked before the answer, so a crossing of 100 % is in
  // sending_permission by the time the gateway reads the 200.
  const quotaChecked = result.customerIds.size === 0 ? true : await options.quota.recheck(result.customerIds);
  request.log.info(
    { source, accepted: result.accepted, duplicate: result.duplicates, rejected: result.rejected },
    'batch committed',
  );
  return answerOf(result, quotaChecked);
}

export async function gatewayRoutes(app: FastifyInstance, options: GatewayRouteOptions): Promise<void> {
  app.addHook('onRequest', requireGatewayKey(options.keys));
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/jsonl', 'application/jsonlines'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/v1/gateway/log',
    {
      schema: {
        summary:
          "The gateway's send log and delivery reports: NDJSON or a JSON array of the ingest file's records",
        security: [{ gatewayKey: [] }],
        body: logBodySchemas,
        response: { 200: batchAnswerSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const lines = await linesOf(request.body);
      if (lines.length === 0)
        return reply.code(400).send({ error: 'The body holds no lines: send at least one record.' });
      return loadAndCheck(request, options, `api:${request.gatewayKey!.name}`, lines);
    },
  );

  app.post(
    '/v1/gateway/callback',
    {
      schema: {
        summary: "Delivery reports exactly as the gateway's callbackurl sends them",
        security: [{ gatewayKey: [] }, { gatewayKeyQuery: [] }],
        body: callbackBodySchema,
        response: { 200: batchAnswerSchema },
      },
    },
    async (request) =>
      loadAndCheck(request, options, `api:${request.gatewayKey!.name}/callback`, [
        { lineNo: 1, text: JSON.stringify(request.body) },
      ]),
  );
}
