import { describe, expect, it } from 'vitest';
import { emailProblem, parseEmailList } from '../../src/domain/email-address.ts';

describe('billing email addresses (issue 10, a mail header must not be broken)', () => {
  it.each(['billing@acme.co.id', 'ap.team+invoices@acme.example.id', "o'brien@mail.example.com"])(
    '%s is an address',
    (address) => {
      expect(emailProblem(address)).toBeNull();
    },
  );

  it.each([
    ['billing@acme.co.id\r\nBcc: all@evil.example', /line break or another control character/],
    ['billing@acme.co.id\n', /line break or another control character/],
    ['billing@acme.co.id\u2028', /line break or another control character/],
    ['bill\u0007ing@acme.co.id', /line break or another control character/],
    ['not-an-email', /is not an email address; expected name@domain\.tld/],
    ['a@b', /is not an email address/],
    ['"Finance" <a@b.co.id>', /is not an email address/],
    ['a..b@acme.co.id', /is not an email address/],
    ['a@-acme.co.id', /is not an email address/],
    ['a@acme.co.id,b@acme.co.id', /is not an email address/],
  ])('%j is refused', (address, message) => {
    expect(emailProblem(address)).toMatch(message);
  });

  it('a list splits on ; and spaces, never on a line break', () => {
    expect(parseEmailList(' a@x.co.id; b@x.co.id  c@x.co.id ')).toEqual({
      ok: true,
      emails: ['a@x.co.id', 'b@x.co.id', 'c@x.co.id'],
    });
    const crlf = parseEmailList('a@x.co.id\r\nb@x.co.id');
    expect(crlf.ok).toBe(false);
    expect(parseEmailList(' ; ')).toEqual({ ok: false, problems: ['email is missing'] });
  });
});
