// Issue 13: gateway routes need a gateway key: `Authorization: Bearer <key>`, `X-Api-Key: <key>`, or `?key=<key>`
// (for the callbackurl, which can only carry a URL). The query string is never logged (see api-server.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyOwner } from './api-keys.ts';
import type { GatewayKeyCache } from './gateway-key-cache.ts';

declare module 'fastify' {
  interface FastifyRequest {
    gatewayKey: KeyOwner | null;
  }
}

function presentedKey(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header.trim();
  const query = (request.query as Record<string, unknown> | undefined)?.key;
  return typeof query === 'string' && query !== '' ? query : null;
}

/**
 * An onRequest hook: 401 before the body is read when the key is missing, unknown or revoked (a revoke takes
 * effect within the cache's few seconds, see gateway-key-cache.ts).
 */
export function requireGatewayKey(keys: GatewayKeyCache) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = presentedKey(request);
    const owner = key === null ? null : await keys.owner(key);
    if (owner === null) {
      await reply.code(401).send({
        error:
          key === null
            ? "A gateway key is required: send 'Authorization: Bearer <key>' (keys: 'npm run api -- keys add NAME')."
            : "Unknown or revoked gateway key. Ask for a new one ('npm run api -- keys add NAME').",
      });
      return reply;
    }
    request.gatewayKey = owner;
  };
}
