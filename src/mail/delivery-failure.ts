// How a failed delivery is treated. Pure: takes the error nodemailer gave, returns the decision.

/**
 * - `permanent`: the server refused for good (5xx, e.g. 550 no such mailbox): failed at once, never retried.
 * - `temporary`: the server said "later" (4xx, e.g. 451): retried with backoff.
 * - `unreachable`: no server answered (refused connection, timeout, lost connection, TLS or login trouble):
 *   retried with backoff, and the run stops, since every other mail would fail the same way.
 */
export type FailureKind = 'permanent' | 'temporary' | 'unreachable';

export interface DeliveryFailure {
  readonly kind: FailureKind;
  readonly reason: string;
  /** The server's reply, when there was one ('550 5.1.1 …'). */
  readonly response: string | null;
}

interface SmtpErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
}

const UNREACHABLE = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EAUTH',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPROTOCOL',
]);

export function classifyDeliveryError(error: unknown): DeliveryFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorLike;
  const reason = oneLineReason(typeof e.message === 'string' ? e.message : String(error));
  const response = typeof e.response === 'string' ? e.response : null;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  // A failed login is the sender's configuration, not the message: never fail every mail for good over it.
  if (code === 'EAUTH') return { kind: 'unreachable', reason, response };
  if (status !== null && status >= 500) return { kind: 'permanent', reason, response };
  if (status !== null && status >= 400) return { kind: 'temporary', reason, response };
  if (UNREACHABLE.has(code)) return { kind: 'unreachable', reason, response };
  // The message itself cannot go (no recipient, bad address, too large): resending the same will not help.
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return { kind: 'permanent', reason, response };
  return { kind: 'temporary', reason, response };
}

function oneLineReason(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 1000);
}

/** Wait before attempt n+1 after n failed attempts: base, 5 × base, 25 × base, … (1 min, 5 min, 25 min, …). */
export function retryDelayMs(failedAttempts: number, baseMs: number): number {
  return baseMs * 5 ** Math.max(0, failedAttempts - 1);
}
