import { describe, expect, it } from 'vitest';
import {
  addMonths,
  expiryAfterTopup,
  forfeitDueOf,
  MINIMUM_TOPUP,
  prepaidPriceFor,
} from '../../src/domain/prepaid.ts';

describe('R15: prepaid price per part by the top-up amount', () => {
  it.each([
    [99_999, null],
    [100_000, 350],
    [499_999, 350],
    [500_000, 340],
    [1_999_999, 340],
    [2_000_000, 330],
    [7_999_999, 330],
    [8_000_000, 320],
    [29_999_999, 320],
    [30_000_000, 310],
    [99_999_999, 310],
    [100_000_000, 300],
    [1_000_000_000, 300],
  ])('R15: a top-up of %i pays %s a part', (amount, price) => {
    expect(prepaidPriceFor(amount)).toBe(price);
  });
  it('R15: the minimum top-up is Rp 100.000', () => expect(MINIMUM_TOPUP).toBe(100_000));
});

describe('R15: masa aktif', () => {
  it.each([
    ['2026-01-15', 12, '2027-01-15'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-12-01', 1, '2027-01-01'],
  ])('addMonths(%s, %i) = %s', (d, n, want) => expect(addMonths(d, n)).toBe(want));

  it('R15: a top-up extends to max(current, date + 12 months)', () => {
    expect(expiryAfterTopup(null, '2026-03-10')).toBe('2027-03-10');
    expect(expiryAfterTopup('2027-01-01', '2026-03-10')).toBe('2027-03-10');
    expect(expiryAfterTopup('2028-01-01', '2026-03-10')).toBe('2028-01-01');
  });

  it('R15: forfeiture at expiry or 6 months after the last billable message, whichever is first', () => {
    expect(
      forfeitDueOf({ expiresOn: '2027-01-10', lastBillableOn: null, lastTopupOn: '2026-01-10' }),
    ).toEqual({
      on: '2026-07-10',
      cause: 'inactivity',
    });
    expect(
      forfeitDueOf({ expiresOn: '2027-01-10', lastBillableOn: '2026-09-01', lastTopupOn: '2026-01-10' }),
    ).toEqual({ on: '2027-01-10', cause: 'expiry' });
    expect(
      forfeitDueOf({ expiresOn: '2027-06-10', lastBillableOn: '2026-03-01', lastTopupOn: '2026-06-10' }),
    ).toEqual({ on: '2026-12-10', cause: 'inactivity' });
    expect(forfeitDueOf({ expiresOn: null, lastBillableOn: null, lastTopupOn: null })).toBeNull();
  });
});
