// Issue 13: the JSON schemas of the API's bodies and answers (validated by Fastify, published in /v1/openapi.json).

const record = {
  type: 'object',
  description:
    'A send record {customer, sendingid, number, message, sent_at, sendingstatus?, product?} or a delivery report {status_respon:[…]}, as one line of the ingest file',
} as const;

export const logBodySchemas = {
  content: {
    'application/json': { schema: { type: 'array', minItems: 1, items: record } },
    'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record a line' } },
    'application/jsonl': { schema: { type: 'string' } },
    'application/jsonlines': { schema: { type: 'string' } },
  },
} as const;

export const callbackBodySchema = {
  type: 'object',
  required: ['status_respon'],
  properties: {
    status_respon: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sendingid', 'deliverystatus'],
        properties: {
          sendingid: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
          number: { type: 'string' },
          deliverystatus: {
            anyOf: [{ type: 'string' }, { type: 'integer' }],
            description: '2 Sent, 3 Delivered, 4 Read, 5 Cancel, 6 Reject, 7 Pending',
          },
          deliverystatustext: { type: 'string' },
        },
      },
    },
  },
} as const;

export const batchAnswerSchema = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    duplicate: { type: 'integer' },
    rejected: { type: 'integer', description: 'kept for replay (npm run ingest -- --replay)' },
    reports_applied: { type: 'integer' },
    reports_waiting: { type: 'integer', description: 'reports whose send record has not arrived yet (kept)' },
    quota_checked: {
      type: 'boolean',
      description: "the batch's customers' quota was re-checked before this answer",
    },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['line', 'outcome'],
        properties: {
          line: { type: 'integer' },
          outcome: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
          reason: { type: 'string' },
          sendingid: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' } },
} as const;

export const permissionAnswerSchema = {
  type: 'object',
  properties: {
    customer: { type: 'string' },
    billing: { type: 'string', enum: ['postpaid', 'prepaid'] },
    may_send: { type: 'boolean' },
    reason: {
      type: ['string', 'null'],
      description: 'quota, unpaid, closed or balance (comma-separated when several)',
    },
    reasons: { type: 'array', items: { type: 'string' } },
    usage: {
      type: 'integer',
      description:
        'postpaid: this month so far, rupiah before PPN (R10); prepaid: 0 (each message draws on the balance)',
    },
    quota: {
      type: 'integer',
      description: 'postpaid: rupiah (2 × deposit, or the override); prepaid: the balance left (R15)',
    },
    left: { type: 'integer', description: 'quota − usage, at least 0 (prepaid: the balance)' },
    balance: {
      type: ['integer', 'null'],
      description:
        "prepaid: the balance in whole rupiah before PPN (0: refused with reason 'balance'); postpaid: null",
    },
    checked_at: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const balanceBodySchema = {
  type: 'object',
  required: ['apikey'],
  properties: { apikey: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const balanceAnswerSchema = {
  type: 'object',
  properties: {
    balance_respon: {
      type: 'array',
      items: {
        type: 'object',
        required: ['globalstatus', 'globalstatustext'],
        properties: {
          globalstatus: {
            type: 'integer',
            enum: [10, 20, 25, 30, 35, 40],
            description:
              '10 Success, 20 Json Post Error, 25 Error Check Balance (a closed account, or a prepaid one whose account was never opened), 30 ApiKey not register, 35 Check Balance Limit (15 Minute), 40 Ip address not register',
          },
          globalstatustext: { type: 'string' },
          Balance: {
            type: 'string',
            description:
              'whole rupiah, digits only (e.g. "19040"). Postpaid: what is left of this month\'s quota (R10); prepaid: the balance (R15)',
          },
          Expired: {
            type: 'string',
            description:
              "YYYY-MM-DD. Postpaid: the month's last day (WIB); prepaid: the day the balance is forfeited if nothing changes, the end of masa aktif or, after 6 months without a billable message, earlier (empty before the first top-up)",
          },
        },
      },
    },
  },
} as const;
