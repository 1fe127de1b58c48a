import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, shown } from '../../src/ingest/field-values.ts';
import { redactLine } from '../../src/ingest/redact-line.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('issue 17: what a closed rejected line keeps', () => {
  it("R3: the message text becomes its counted length and SHA-256; the record's structure stays", () => {
    const raw = JSON.stringify({
      customer: 'ACME',
      sendingid: 7,
      number: '0812-3456-7890',
      message: 'Kode: 123456.',
      sent_at: '2026-10-05T10:11:12+07:00',
      product: 'whatsapp_otp',
    });
    const r = redactLine(raw);
    // 'Kode: 123456.' is 13 code points, ':' and '.' count 2 each (R3): 15.
    expect(r).toMatchObject({ messageLength: 15, messageSha256: sha('Kode: 123456.') });
    expect(JSON.parse(r.raw)).toEqual({
      customer: 'ACME',
      sendingid: 7,
      number: '0812-3456-7890',
      message: `‹removed: 15 counted characters, sha256 ${sha('Kode: 123456.')}›`,
      sent_at: '2026-10-05T10:11:12+07:00',
      product: 'whatsapp_otp',
    });
  });

  it.each([
    ['customer', { customer: 'Kode 482913' }],
    ['number', { number: 'Kode OTP 482913' }],
    ['sent_at', { sent_at: '482913' }],
    ['an unknown field', { note: 482913 }],
    [
      'a report',
      { status_respon: [{ sendingid: 1, deliverystatus: 'OTP 482913', deliverystatustext: 'x' }] },
    ],
  ])('an OTP put in %s is removed too', (_where, record) => {
    expect(redactLine(JSON.stringify(record)).raw).not.toContain('482913');
  });

  it('a line that is not a JSON object is replaced whole', () => {
    const r = redactLine('not json Kode OTP 482913');
    expect(r.raw).toMatch(/^‹removed: \d+ counted characters, sha256 [0-9a-f]{64}›$/);
    expect(r.messageSha256).toBe(sha('not json Kode OTP 482913'));
  });
});

describe('issue 17: how a reason names a value', () => {
  it.each([
    ['fax', "'fax'"],
    ['x'.repeat(41), 'a text of 41 characters'],
    ['482913', 'a text of 6 characters with digits (not shown: it may be an OTP)'],
    ['a\u0000b', 'a text of 3 characters with control characters'],
    [482913, 'a number of 6 digits'],
    [11, '11'],
    [[1, [2]], 'a list'],
    [{ a: 1 }, 'an object'],
    [undefined, '(missing)'],
  ])('shown(%j) is %s', (value, expected) => {
    expect(shown(value)).toBe(expected);
  });

  it.each([
    ['{"a":1}', 16, false],
    ['{"status_respon":[{"sendingid":1}]}', 3, false],
    ['{"status_respon":[{"sendingid":1}]}', 2, true],
    [`{"a":"${'['.repeat(40)}"}`, 2, false],
    [`{"a":${'['.repeat(17)}${']'.repeat(17)}}`, 16, true],
  ])('nestsDeeperThan(%s, %i) is %s (brackets in strings do not count)', (text, max, expected) => {
    expect(nestsDeeperThan(text, max)).toBe(expected);
  });
});
