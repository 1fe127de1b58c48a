import { describe, expect, it } from 'vitest';
import {
  formatDateId,
  MONTHS_ID,
  monthLabelId,
  periodLabelId,
  periodRangeLabelId,
} from '../../src/domain/indonesian-dates.ts';

describe('R14 dates in Indonesian on documents', () => {
  it('R14: the twelve month names', () => {
    expect(MONTHS_ID).toEqual([
      'Januari',
      'Februari',
      'Maret',
      'April',
      'Mei',
      'Juni',
      'Juli',
      'Agustus',
      'September',
      'Oktober',
      'November',
      'Desember',
    ]);
  });

  it.each([
    ['2026-12-15', '15 Desember 2026'],
    ['2026-01-05', '5 Januari 2026'],
    ['2026-08-17', '17 Agustus 2026'],
    ['2028-02-29', '29 Februari 2028'],
    ['2027-05-01', '1 Mei 2027'],
  ])('R14: %s is written %s', (date, text) => {
    expect(formatDateId(date)).toBe(text);
  });

  it.each([
    ['2026-10', 'Oktober 2026', '1–31 Oktober 2026'],
    ['2026-11', 'November 2026', '1–30 November 2026'],
    ['2026-02', 'Februari 2026', '1–28 Februari 2026'],
    ['2028-02', 'Februari 2028', '1–29 Februari 2028'],
    ['2026-12', 'Desember 2026', '1–31 Desember 2026'],
  ])('R1: month %s is %s, period %s (en dash)', (month, label, period) => {
    expect(monthLabelId(month)).toBe(label);
    expect(periodLabelId(month)).toBe(period);
  });

  it.each([
    ['2026-03-01', '2026-03-17', '1–17 Maret 2026'],
    ['2026-03-01', '2026-03-31', '1–31 Maret 2026'],
    ['2026-03-17', '2026-03-17', '17 Maret 2026'],
    ['2026-02-25', '2026-03-03', '25 Februari – 3 Maret 2026'],
    ['2026-12-28', '2027-01-03', '28 Desember 2026 – 3 Januari 2027'],
  ])('R13: a closing period %s … %s is labelled %s', (start, end, label) => {
    expect(periodRangeLabelId(start, end)).toBe(label);
  });

  it.each([
    ['a bad date', () => formatDateId('2026-02-30'), /not a valid date/],
    ['a bad month', () => monthLabelId('2026-13'), /expected YYYY-MM/],
    ['a bad period', () => periodLabelId('Oktober'), /expected YYYY-MM/],
    [
      'a range ending before it starts',
      () => periodRangeLabelId('2026-03-17', '2026-03-01'),
      /ends before it starts/,
    ],
  ])('R14: %s is an error', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
