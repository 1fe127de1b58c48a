import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QUOTA_WARNING_PERCENT,
  quotaActionDue,
  quotaFor,
  quotaLevel,
  quotaPercent,
  quotaShare,
  quotaSuspensionEnds,
  reachesQuotaWarning,
} from '../../src/domain/quota.ts';

describe('R10 quota rules', () => {
  it.each([
    { balance: 10_000_000, override: null, quota: 20_000_000 },
    { balance: 10_000_000, override: 50_000_000, quota: 50_000_000 },
    { balance: 0, override: null, quota: 0 },
    { balance: 0, override: 5_000_000, quota: 5_000_000 },
  ])('R10: deposit $balance with override $override → quota $quota', ({ balance, override, quota }) => {
    expect(quotaFor(balance, override)).toBe(quota);
  });

  it.each([
    { usage: 15_999_999, quota: 20_000_000, warns: false, level: 'ok' },
    { usage: 16_000_000, quota: 20_000_000, warns: true, level: 'warning' },
    { usage: 19_999_999, quota: 20_000_000, warns: true, level: 'warning' },
    { usage: 20_000_000, quota: 20_000_000, warns: true, level: 'exceeded' },
    { usage: 0, quota: 0, warns: true, level: 'exceeded' },
  ] as const)('R10: $usage of $quota → $level', ({ usage, quota, warns, level }) => {
    expect(QUOTA_WARNING_PERCENT).toBe(80);
    expect(reachesQuotaWarning(usage, quota)).toBe(warns);
    expect(quotaLevel(usage, quota)).toBe(level);
  });

  it.each([
    { month: '2026-10-01', level: 'exceeded', ends: false },
    { month: null, level: 'exceeded', ends: false },
    { month: '2026-09-01', level: 'exceeded', ends: true },
    { month: '2026-10-01', level: 'warning', ends: true },
    { month: null, level: 'ok', ends: true },
  ] as const)('R10: a quota suspension for $month at level $level in 2026-10 ends: $ends', (row) => {
    expect(quotaSuspensionEnds(row.month, row.level, '2026-10-01')).toBe(row.ends);
  });

  it.each([
    { level: 'ok', warned: false, suspension: null, due: false },
    { level: 'ok', warned: true, suspension: null, due: false },
    { level: 'warning', warned: false, suspension: null, due: true },
    { level: 'warning', warned: true, suspension: null, due: false },
    { level: 'exceeded', warned: true, suspension: null, due: true },
    { level: 'exceeded', warned: false, suspension: { month: '2026-10-01' }, due: true },
    { level: 'exceeded', warned: true, suspension: { month: '2026-10-01' }, due: false },
    { level: 'exceeded', warned: true, suspension: { month: '2026-09-01' }, due: true },
    { level: 'warning', warned: true, suspension: { month: '2026-10-01' }, due: true },
    { level: 'ok', warned: true, suspension: { month: null }, due: true },
  ] as const)('R10: level $level, warned $warned, suspension $suspension → a check must act: $due', (row) => {
    expect(quotaActionDue({ ...row, monthStart: '2026-10-01' })).toBe(row.due);
  });

  it.each([
    { usage: 1_234_567, quota: 20_000_000, decimals: 1, rounding: 'half-up', share: 62n },
    { usage: 1_234_567, quota: 20_000_000, decimals: 2, rounding: 'down', share: 617n },
    { usage: 1, quota: 3, decimals: 2, rounding: 'down', share: 3333n },
    { usage: 2, quota: 3, decimals: 1, rounding: 'half-up', share: 667n },
    { usage: 5, quota: 0, decimals: 2, rounding: 'down', share: null },
  ] as const)('R10: $usage of $quota in 10^-$decimals % ($rounding) is $share', (row) => {
    expect(quotaShare(row.usage, row.quota, row.decimals, row.rounding)).toBe(row.share);
  });

  it('R10: quotaPercent is quotaShare rounded down to 2 decimals, and agrees with a float floor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 1, max: 1e11 }), (usage, quota) => {
        expect(quotaPercent(usage, quota)).toBe(Math.floor((usage * 10_000) / quota) / 100);
      }),
    );
  });

  it('R10: the warning rule agrees with usage × 5 ≥ quota × 4', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), (usage, quota) => {
        expect(reachesQuotaWarning(usage, quota)).toBe(usage * 5 >= quota * 4);
      }),
    );
  });
});
