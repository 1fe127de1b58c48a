import { describe, expect, it } from 'vitest';
import { classifyDeliveryError, retryDelayMs } from '../../src/mail/delivery-failure.ts';

const smtpError = (code: string, responseCode?: number, response?: string) =>
  Object.assign(new Error(`failed${response ? `: ${response}` : ''}`), { code, responseCode, response });

describe('classifyDeliveryError', () => {
  it.each([
    ['550 on RCPT TO', smtpError('EENVELOPE', 550, '550 5.1.1 No such user'), 'permanent'],
    ['554 after DATA', smtpError('EMESSAGE', 554, '554 5.7.1 Rejected'), 'permanent'],
    ['451 on RCPT TO', smtpError('EENVELOPE', 451, '451 4.3.0 Try later'), 'temporary'],
    ['421 service closing', smtpError('EPROTOCOL', 421, '421 4.3.2 Shutting down'), 'temporary'],
    ['connection refused', smtpError('ESOCKET'), 'unreachable'],
    ['connection failed', smtpError('ECONNECTION'), 'unreachable'],
    ['greeting timeout', smtpError('ETIMEDOUT'), 'unreachable'],
    [
      'a login refused with 535 is configuration, not the message',
      smtpError('EAUTH', 535, '535 Bad login'),
      'unreachable',
    ],
    ['no recipient at all', smtpError('EENVELOPE'), 'permanent'],
    ['an attachment file that vanished', Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), 'temporary'],
    ['not even an Error', 'boom', 'temporary'],
  ] as const)('%s → %s', (_name, error, kind) => {
    expect(classifyDeliveryError(error).kind).toBe(kind);
  });

  it('keeps the server reply and puts the reason on one line', () => {
    const failure = classifyDeliveryError(smtpError('EENVELOPE', 550, '550 5.1.1 No such\r\nuser'));
    expect(failure.response).toBe('550 5.1.1 No such\r\nuser');
    expect(failure.reason).toBe('failed: 550 5.1.1 No such user');
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 60_000],
    [2, 5 * 60_000],
    [3, 25 * 60_000],
    [4, 125 * 60_000],
  ])('after %i failed attempt(s) waits %i ms (base 1 minute, ×5 each time)', (attempts, ms) => {
    expect(retryDelayMs(attempts, 60_000)).toBe(ms);
  });
});
