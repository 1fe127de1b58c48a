// Issue 13 / R10–R13: may this customer send now — the same sending_permission view the gateway reads today.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.ts';
import { requireGatewayKey } from './gateway-auth.ts';
import type { GatewayKeyCache } from './gateway-key-cache.ts';
import { errorSchema, permissionAnswerSchema } from './schemas.ts';

const PERMISSION_SQL = {
  name: 'tagih-api-permission',
  text: `select p.allowed, p.reason, p.usage, p.quota, p.updated_at, c.billing
    from sending_permission p join customers c on c.code = p.customer_code where p.customer_code = $1`,
};

interface PermissionRow {
  readonly allowed: boolean;
  readonly reason: string | null;
  readonly usage: number;
  readonly quota: number;
  readonly updated_at: Date | null;
  readonly billing: 'postpaid' | 'prepaid';
}

/** How many of the pool's connections are opened and given the prepared statement before the first request. */
const WARM_CONNECTIONS = 4;

/**
 * The gateway asks before every send: the first requests after a start should not each pay for a new PostgreSQL
 * connection and the statement's planning. So before listening, a few connections are opened and each prepares
 * the statement, with a code no customer has. The first seconds stay slower all the same (bench api: p99 53–70
 * ms in the first 10 s, 11–37 ms in the 10 s after): most of that is the process warming up, not the database.
 */
async function warmUp(database: Database): Promise<void> {
  const clients = await Promise.all(Array.from({ length: WARM_CONNECTIONS }, () => database.pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query({ ...PERMISSION_SQL, values: [''] })));
  } finally {
    for (const c of clients) c.release();
  }
}

export async function permissionRoute(
  app: FastifyInstance,
  options: { database: Database; keys: GatewayKeyCache },
): Promise<void> {
  app.addHook('onReady', () => warmUp(options.database));
  app.addHook('onRequest', requireGatewayKey(options.keys));
  app.get<{ Params: { code: string } }>(
    '/v1/customers/:code/permission',
    {
      schema: {
        summary: 'May this customer send now, and why not (quota, unpaid, closed, balance)',
        security: [{ gatewayKey: [] }],
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$' } },
        },
        response: { 200: permissionAnswerSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const result = await options.database.pool.query<PermissionRow>({ ...PERMISSION_SQL, values: [code] });
      const p = result.rows[0];
      if (!p) {
        return reply.code(404).send({
          error: `No customer '${code}' in sending_permission (unknown, or a prepaid customer whose prepaid account was never opened).`,
        });
      }
      // R15: for a prepaid account the view gives usage 0 and the balance as its quota, so left is the balance.
      const usage = Number(p.usage);
      const quota = Number(p.quota);
      return {
        customer: code,
        billing: p.billing,
        may_send: p.allowed,
        reason: p.reason,
        reasons: p.reason === null ? [] : p.reason.split(','),
        usage,
        quota,
        left: Math.max(0, quota - usage),
        balance: p.billing === 'prepaid' ? quota : null,
        checked_at: p.updated_at?.toISOString() ?? null,
      };
    },
  );
}
