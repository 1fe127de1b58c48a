import { describe, expect, it } from 'vitest';
import { invoiceNumber } from '../../src/domain/invoice-number.ts';

describe('R7 invoice numbers', () => {
  it.each([
    { date: '2026-11-01', sequence: 1, number: 'INV/2026/11/00001' },
    { date: '2026-01-31', sequence: 42, number: 'INV/2026/01/00042' },
    { date: '2027-12-01', sequence: 99_999, number: 'INV/2027/12/99999' },
    { date: '2027-12-01', sequence: 123_456, number: 'INV/2027/12/123456' },
  ])('R7: issued $date as number $sequence of the year → $number', ({ date, sequence, number }) => {
    expect(invoiceNumber(date, sequence)).toBe(number);
  });
});
