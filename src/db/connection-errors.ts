/** Error codes of a database that cannot be reached or went away (Node's socket codes, PostgreSQL's SQLSTATE). */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused the connection (nothing listens on that host and port)',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'has a host name that could not be resolved now',
  ETIMEDOUT: 'did not answer in time',
  EHOSTUNREACH: 'is on a host that cannot be reached',
  ENETUNREACH: 'is on a network that cannot be reached',
  ECONNRESET: 'dropped the connection',
  EPIPE: 'dropped the connection',
  // PostgreSQL: the server is going down, starting, or refused us.
  '57P01': 'was shut down by its administrator',
  '57P02': 'crashed',
  '57P03': 'is starting up or shutting down',
  '08000': 'lost the connection',
  '08001': 'could not be connected to',
  '08003': 'lost the connection',
  '08006': 'lost the connection',
  '28P01': 'refused the password',
  '28000': 'refused the user',
  '3D000': 'has no such database',
};

/** Codes that mean the database was there and went away (worth waiting for), not a setting to fix. */
const LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

const LOST_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /client has encountered a connection error/i,
  /not queryable/i,
];

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    // Node 20 reports a host with two addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
    if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...codesOf(inner));
    current = e.cause;
  }
  return codes;
}

/**
 * What went wrong with the database connection, in words ("refused the connection …"), or null when the error is
 * not about the connection (a bad query, a constraint, a bug).
 */
export function connectionProblem(error: unknown): string | null {
  for (const code of codesOf(error)) {
    const words = UNREACHABLE[code];
    if (words) return words;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (LOST_MESSAGES.some((re) => re.test(message))) return 'lost the connection';
  return null;
}

/** Whether the error says the database went away (a restart, an outage): the daemon waits and tries again. */
export function isConnectionLoss(error: unknown): boolean {
  if (codesOf(error).some((c) => LOST.has(c))) return true;
  const message = error instanceof Error ? error.message : String(error);
  return LOST_MESSAGES.some((re) => re.test(message));
}

/**
 * The one line a user sees when the database cannot be used: which database (DATABASE_URL without its password, or
 * the embedded server), what happened, and what to check.
 */
export function databaseProblemLine(
  where: { readonly embedded: boolean; readonly safeUrl: string },
  problem: string,
): string {
  const again =
    'then run the command again (work already committed is kept; a run carries on where it stopped).';
  if (where.embedded) {
    return `The ${where.safeUrl} ${problem}. Check that it still runs (TAGIH_DATA_DIR, TAGIH_EMBEDDED_PORT) and that no other program stopped it; ${again}`;
  }
  return `The database DATABASE_URL=${where.safeUrl} ${problem}. Check that PostgreSQL runs there and that the host, port, user, password and database name in DATABASE_URL are right; ${again}`;
}
