// Issue 13 / DESIGN §2: the customer's own balance check in the terms' format ("Check Balance"): request
// {"apikey":"…"}, answer {"balance_respon":[{globalstatus, globalstatustext, Balance, Expired}]}. Every answer is
// HTTP 200 with its global status, as the gateway's own endpoint does: its clients read globalstatus.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/connect.ts';
import { findKey } from './api-keys.ts';
import { balanceFigures } from './balance-figures.ts';
import { ipAllowed } from './customer-ips.ts';
import { balanceAnswerSchema, balanceBodySchema } from './schemas.ts';

export type GlobalStatus = 10 | 20 | 25 | 30 | 35 | 40;

const STATUS_TEXT: Record<GlobalStatus, string> = {
  10: 'Success',
  20: 'Json Post Error',
  25: 'Error Check Balance',
  30: 'ApiKey not register',
  35: 'Check Balance Limit (15 Minute)',
  40: 'Ip address not register',
};

function respon(status: GlobalStatus, figures?: { Balance: string; Expired: string }) {
  return { balance_respon: [{ globalstatus: status, globalstatustext: STATUS_TEXT[status], ...figures }] };
}

/** '::ffff:203.0.113.7' (an IPv4 client on a dual-stack socket) is 203.0.113.7 for the allow-list. */
function clientIp(request: FastifyRequest): string {
  return request.ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/** DESIGN §2: one check per 15 minutes per key; takes the slot atomically, false when it is taken. */
async function takeCheckSlot(database: Database, keyId: number): Promise<boolean> {
  const r = await sql`
    update api_keys set last_balance_check_at = now()
    where id = ${keyId} and (last_balance_check_at is null or last_balance_check_at <= now() - interval '15 minutes')
  `.execute(database.db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function balanceRoute(app: FastifyInstance, options: { database: Database }): Promise<void> {
  const { database } = options;
  app.post<{ Body: { apikey: string } }>(
    '/v1/balance',
    {
      schema: {
        summary: "The customer's balance check, in the gateway terms' format",
        body: balanceBodySchema,
        response: { 200: balanceAnswerSchema },
      },
      // Malformed JSON, a wrong Content-Type or a body without apikey: status 20, in the terms' format.
      errorHandler: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        if (error.statusCode === 413 || (error.statusCode ?? 500) >= 500) {
          request.log.error({ err: error }, 'balance check failed');
          return reply.code(200).send(respon(error.statusCode === 413 ? 20 : 25));
        }
        return reply.code(200).send(respon(20));
      },
    },
    async (request) => {
      const key = await findKey(database.db, 'customer', request.body.apikey);
      if (key === null || key.customerId === null) return respon(30);
      if (!(await ipAllowed(database.db, key.customerId, clientIp(request)))) return respon(40);
      if (!(await takeCheckSlot(database, key.id))) return respon(35);
      const figures = await balanceFigures(database.db, key.customerId, new Date());
      return figures === null ? respon(25) : respon(10, figures);
    },
  );
}
