import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.ts';
import type { ReviewInvoice } from '../../src/review/load-review-month.ts';
import { cookieValue, crossSiteReason, hostAllowed, sameSecret } from '../../src/review/request-guard.ts';
import { type InvoiceFacts, invoiceFlags } from '../../src/review/review-flags.ts';
import { changeOf } from '../../src/review/review-labels.ts';
import { DEFAULT_REVIEW_SETTINGS, loadReviewSettings } from '../../src/review/review-settings.ts';
import { parseTableQuery, selectRows } from '../../src/review/review-table.ts';

const base: InvoiceFacts = {
  parts: 1000,
  previousParts: 1000,
  previousMonth: '2026-09',
  otherParts: 0,
  quotaReached: false,
  total: 1_000_000,
};
const kinds = (f: Partial<InvoiceFacts>) =>
  invoiceFlags({ ...base, ...f }, DEFAULT_REVIEW_SETTINGS).map((x) => x.kind);

describe('flags (defaults: ×2, 20 % other, Rp 25.000.000)', () => {
  it.each<[string, Partial<InvoiceFacts>, string[]]>([
    ['steady usage', {}, []],
    ['doubled exactly', { parts: 2000 }, ['usage_changed']],
    ['just under double', { parts: 1999 }, []],
    ['halved', { parts: 500 }, ['usage_changed']],
    ['no invoice last month', { previousParts: null, parts: 9000 }, []],
    ['other share at the limit', { otherParts: 200 }, ['other_share']],
    ['other share under it', { otherParts: 199 }, []],
    ['quota reached', { quotaReached: true }, ['quota_reached']],
    ['total at the threshold', { total: 25_000_000 }, []],
    ['total above it', { total: 25_000_001 }, ['above_threshold']],
  ])('%s', (_name, facts, expected) => {
    expect(kinds(facts)).toEqual(expected);
  });

  it('says what it saw', () => {
    const [flag] = invoiceFlags({ ...base, parts: 3000 }, DEFAULT_REVIEW_SETTINGS);
    expect(flag).toMatchObject({ label: 'Pemakaian naik', metric: '×3,0' });
    expect(flag?.detail).toContain('1.000 → 3.000');
  });
});

describe('settings from the environment', () => {
  it('reads factor, percentage and rupiah amount', () => {
    expect(
      loadReviewSettings({
        TAGIH_REVIEW_USAGE_FACTOR: '1,5',
        TAGIH_REVIEW_OTHER_SHARE_PERCENT: '10',
        TAGIH_REVIEW_TOTAL_THRESHOLD: 'Rp 50.000.000',
      }),
    ).toEqual({ usageFactor: 1.5, otherSharePercent: 10, totalThreshold: 50_000_000 });
    expect(loadReviewSettings({})).toEqual(DEFAULT_REVIEW_SETTINGS);
  });

  it.each([
    ['TAGIH_REVIEW_USAGE_FACTOR', '1', /not a factor above 1/],
    ['TAGIH_REVIEW_USAGE_FACTOR', 'double', /not a factor above 1/],
    ['TAGIH_REVIEW_OTHER_SHARE_PERCENT', '120', /whole percentage from 1 to 100/],
    ['TAGIH_REVIEW_TOTAL_THRESHOLD', '25jt', /not a positive whole rupiah amount/],
  ])('%s=%s is refused with what to write', (key, value, message) => {
    expect(() => loadReviewSettings({ [key]: value })).toThrow(ConfigError);
    expect(() => loadReviewSettings({ [key]: value })).toThrow(message);
  });
});

describe('table query', () => {
  const row = (
    code: string,
    total: number,
    flags: number,
    state: 'awaiting_review' | 'held' = 'awaiting_review',
  ) =>
    ({
      id: total,
      number: `INV/${code}`,
      customerCode: code,
      customerName: `PT ${code}`,
      total,
      status: 'issued',
      reviewState: state,
      flags: Array.from({ length: flags }, () => ({ kind: 'quota_reached' })),
    }) as unknown as ReviewInvoice;
  const rows = [row('A', 300, 0), row('B', 100, 2, 'held'), row('C', 200, 1)];
  const codes = (q: string) =>
    selectRows(rows, parseTableQuery(new URLSearchParams(q))).map((r) => r.customerCode);

  it.each([
    ['', ['B', 'C', 'A']],
    ['sort=total&dir=asc', ['B', 'C', 'A']],
    ['sort=total', ['A', 'C', 'B']],
    ['sort=customer', ['A', 'B', 'C']],
    ['show=held', ['B']],
    ['show=flagged&sort=customer', ['B', 'C']],
    ['q=pt%20c', ['C']],
    ['sort=drop%20table&dir=sideways', ['B', 'C', 'A']],
  ])('?%s', (q, expected) => {
    expect(codes(q)).toEqual(expected);
  });
});

describe('request guard', () => {
  const host = '127.0.0.1:8417';
  it("lets only loopback names and the public URL's host address the server", () => {
    expect(hostAllowed(host, 8417, null)).toBe(true);
    expect(hostAllowed('localhost:8417', 8417, null)).toBe(true);
    expect(hostAllowed('evil.example:8417', 8417, null)).toBe(false);
    expect(hostAllowed('review.example.co.id', 8417, 'https://review.example.co.id')).toBe(true);
    expect(hostAllowed('evil.example', 8417, 'https://review.example.co.id')).toBe(false);
  });

  it('behind an HTTPS proxy takes the public origin, and still refuses others', () => {
    const pub = 'https://review.example.co.id';
    const proxied = { host: 'review.example.co.id', origin: pub };
    expect(crossSiteReason(proxied, 'secret', 'secret', pub)).toBeNull();
    expect(
      crossSiteReason({ ...proxied, origin: 'http://review.example.co.id' }, 'secret', 'secret', pub),
    ).toMatch(/came from/);
    expect(crossSiteReason({ host, origin: pub }, 'secret', 'secret', pub)).toBeNull();
    expect(crossSiteReason({ host, origin: 'https://evil.example' }, 'secret', 'secret', pub)).toMatch(
      /came from/,
    );
  });

  it.each([
    [{ host, origin: `http://${host}` }, 'secret', null],
    [{ host }, 'secret', null],
    [{ host, origin: 'http://evil.example' }, 'secret', /came from http:\/\/evil.example/],
    [{ host, 'sec-fetch-site': 'cross-site' }, 'secret', /cross-site/],
    [{ host, origin: `http://${host}` }, null, /no valid CSRF token/],
    [{ host, origin: `http://${host}` }, 'guess', /no valid CSRF token/],
  ])('%o with csrf %s', (headers, csrf, expected) => {
    const reason = crossSiteReason(headers, csrf, 'secret');
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });

  it('reads a cookie and compares secrets', () => {
    expect(cookieValue('a=1; tagih_review_session=t%2Bk', 'tagih_review_session')).toBe('t+k');
    expect(cookieValue(undefined, 'tagih_review_session')).toBeNull();
    expect(sameSecret('tk', 'tk')).toBe(true);
    expect(sameSecret('tk2', 'tk')).toBe(false);
    expect(sameSecret(null, 'tk')).toBe(false);
  });
});

describe('change against the previous month', () => {
  it.each([
    [1150, 1000, '+Rp 150 (+15,0%)', 'up'],
    [900, 1000, '−Rp 100 (−10,0%)', 'down'],
    [1000, 1000, 'sama · unchanged', 'flat'],
    [500, 0, 'baru · new (bulan lalu nihil)', 'flat'],
  ])('%i against %i', (cur, prev, text, tone) => {
    expect(changeOf(cur, prev)).toEqual({ text, tone });
  });
});
