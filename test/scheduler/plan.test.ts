// The catch-up planner is pure: it gets what ran (job → covered until) and a fake clock.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { formatAtOffset } from '../../src/schedule/timezone.ts';
import { MAX_CATCH_UP_TICKS, nextRunsOf, planCatchUp, schedulesOf } from '../../src/scheduler/plan.ts';

const WIB = 420;
const at = (wib: string) => new Date(`${wib}+07:00`);
const wib = (d: Date) => formatAtOffset(d, WIB);
const schedules = schedulesOf(loadConfig({}).schedule);

/** Every job ran at its last tick before the night of 31 October → 1 November 2026. */
const ranUntilOctober31 = new Map([
  ['partitions', at('2026-10-31T00:05')],
  ['rollup', at('2026-10-31T00:15')],
  ['settle', at('2026-10-01T00:30')],
  ['invoice', at('2026-10-01T01:00')],
  ['quota', at('2026-10-31T23:00')],
  ['reminders', at('2026-10-31T08:00')],
  ['prepaid', at('2026-10-31T01:30')],
  ['mail', at('2026-10-31T23:55')],
]);

describe('catch-up after an outage across a month boundary', () => {
  it('down from 31 October 23:56 to 1 November 03:00 WIB: settlement and invoices of the 1st run at start-up', () => {
    const plan = planCatchUp(schedules, ranUntilOctober31, at('2026-11-01T03:00'), WIB);
    expect(plan.map((p) => [p.job, p.ticks.map(wib)])).toEqual([
      ['partitions', ['2026-11-01T00:05+07:00']],
      ['rollup', ['2026-11-01T00:15+07:00']],
      ['settle', ['2026-11-01T00:30+07:00']],
      ['invoice', ['2026-11-01T01:00+07:00']],
      ['quota', ['2026-11-01T03:00+07:00']],
      ['prepaid', ['2026-11-01T01:30+07:00']],
      ['mail', ['2026-11-01T03:00+07:00']],
    ]);
  });

  it('nothing is missed when every job covered its latest tick', () => {
    const upToDate = new Map(ranUntilOctober31);
    upToDate.set('mail', at('2026-10-31T23:55'));
    expect(planCatchUp(schedules, upToDate, at('2026-10-31T23:58'), WIB)).toEqual([]);
  });

  it('a run by hand after the tick counts (coverage = its start)', () => {
    const covered = new Map(ranUntilOctober31);
    covered.set('invoice', at('2026-11-01T02:10'));
    const plan = planCatchUp(schedules, covered, at('2026-11-01T03:00'), WIB);
    expect(plan.map((p) => p.job)).not.toContain('invoice');
  });

  it('down over two 1sts: the invoice and settlement jobs run once per missed month, oldest first', () => {
    const covered = new Map(ranUntilOctober31);
    covered.set('invoice', at('2026-09-01T01:00'));
    covered.set('settle', at('2026-09-01T00:30'));
    const plan = planCatchUp(schedules, covered, at('2026-11-03T10:00'), WIB);
    const ticks = Object.fromEntries(plan.map((p) => [p.job, p.ticks.map(wib)]));
    expect(ticks.invoice).toEqual(['2026-10-01T01:00+07:00', '2026-11-01T01:00+07:00']);
    expect(ticks.settle).toEqual(['2026-10-01T00:30+07:00', '2026-11-01T00:30+07:00']);
    // Frequent jobs run once: one rollup or mail run covers all that was missed.
    expect(ticks.rollup).toEqual(['2026-11-03T00:15+07:00']);
    expect(ticks.reminders).toEqual(['2026-11-03T08:00+07:00']);
  });

  it(`a very long outage makes up at most ${MAX_CATCH_UP_TICKS} months and says there were more`, () => {
    const covered = new Map([['invoice', at('2024-01-01T01:00')]]);
    const [invoice] = planCatchUp(schedules, covered, at('2026-11-01T03:00'), WIB).filter(
      (p) => p.job === 'invoice',
    );
    expect(invoice!.ticks.map(wib)).toHaveLength(MAX_CATCH_UP_TICKS);
    expect(wib(invoice!.ticks[0]!)).toBe('2025-12-01T01:00+07:00');
    expect(invoice!.more).toBe(true);
  });

  it('a job that never ran runs once, for its latest tick', () => {
    const plan = planCatchUp(schedules, new Map(), at('2026-11-15T09:07'), WIB);
    expect(plan.map((p) => [p.job, p.ticks.map(wib), p.coveredUntil])).toEqual([
      ['partitions', ['2026-11-15T00:05+07:00'], null],
      ['rollup', ['2026-11-15T00:15+07:00'], null],
      ['settle', ['2026-11-01T00:30+07:00'], null],
      ['invoice', ['2026-11-01T01:00+07:00'], null],
      ['quota', ['2026-11-15T09:00+07:00'], null],
      ['reminders', ['2026-11-15T08:00+07:00'], null],
      ['prepaid', ['2026-11-15T01:30+07:00'], null],
      ['mail', ['2026-11-15T09:05+07:00'], null],
    ]);
  });

  it('a job switched off is never caught up, and has no next run', () => {
    const off = schedulesOf(loadConfig({ TAGIH_CRON_INVOICE: 'off' }).schedule);
    expect(planCatchUp(off, new Map(), at('2026-11-01T03:00'), WIB).map((p) => p.job)).not.toContain(
      'invoice',
    );
    expect(nextRunsOf(off, at('2026-11-01T03:00'), WIB).get('invoice')).toBeNull();
  });
});
