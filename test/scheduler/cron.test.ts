// The schedule computation is pure: every case gives the clock as a value (a fake clock), in WIB (+07:00).
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CronSyntaxError,
  digestOf,
  matches,
  nextRunAfter,
  nextRuns,
  parseCron,
  previousRunAtOrBefore,
} from '../../src/schedule/cron.ts';
import { JOB_DEFAULTS, JOB_NAMES } from '../../src/schedule/job-names.ts';
import { fixedOffsetMinutes, formatAtOffset } from '../../src/schedule/timezone.ts';

const WIB = 420;
const at = (wib: string) => new Date(`${wib}+07:00`);
const wib = (d: Date | null) => (d === null ? null : formatAtOffset(d, WIB));
const defaults = Object.fromEntries(JOB_NAMES.map((j) => [j, parseCron(JOB_DEFAULTS[j].cron)]));

describe('parsing', () => {
  it.each([
    ['15 0 * * *', { minutes: [15], hours: [0] }],
    ['*/5 * * * *', { minutes: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55] }],
    ['0 8 * * mon-fri', { daysOfWeek: [1, 2, 3, 4, 5] }],
    ['0 8 * * 5-7', { daysOfWeek: [0, 5, 6] }],
    ['0 1 1 jan,jul *', { months: [1, 7] }],
    ['5-59/20 * * * *', { minutes: [5, 25, 45] }],
    ['0 9-17/4 * * *', { hours: [9, 13, 17] }],
  ])('%s', (expression, expected) => {
    const c = parseCron(expression);
    for (const [field, values] of Object.entries(expected)) {
      expect([...(c[field as keyof typeof c] as Set<number>)].sort((a, b) => a - b)).toEqual(values);
    }
  });

  it.each([
    ['0 1 1 *', /4 field\(s\); expected 5/],
    ['0 0 1 * * *', /6 field\(s\); expected 5/],
    ['60 * * * *', /minute 60 is out of range 0–59/],
    ['0 24 * * *', /hour 24 is out of range 0–23/],
    ['0 0 0 * *', /day of month 0 is out of range 1–31/],
    ['0 0 * 13 *', /month 13 is out of range 1–12/],
    ['0 0 * * 8', /day of week 8 is out of range 0–7/],
    ['*/0 * * * *', /step '\/0' of the minute/],
    ['5-1 * * * *', /range 5-1 runs backwards/],
    ['5/20 * * * *', /'5\/20' needs a range before its step, e.g. '5-59\/20'/],
    ['a * * * *', /'a' is not a minute/],
    ['0 0 L * *', /'L' is not a day of month/],
    ['0 0 31 2 *', /never run/],
    ['0 0 30 feb *', /never run/],
  ])('%s is refused', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronSyntaxError);
    expect(() => parseCron(expression)).toThrow(message);
  });
});

describe('next run (fake clock, WIB)', () => {
  const now = at('2026-11-27T14:19:30');
  it.each([
    ['rollup', '2026-11-28T00:15+07:00'],
    ['settle', '2026-12-01T00:30+07:00'],
    ['invoice', '2026-12-01T01:00+07:00'],
    ['quota', '2026-11-27T15:00+07:00'],
    ['reminders', '2026-11-28T08:00+07:00'],
    ['mail', '2026-11-27T14:20+07:00'],
  ])('%s after 2026-11-27 14:19:30 WIB is %s', (job, expected) => {
    expect(wib(nextRunAfter(defaults[job]!, now, WIB))).toBe(expected);
  });

  it('strictly after: at the tick itself the next one is a month later, across the year end', () => {
    expect(wib(nextRunAfter(defaults.invoice!, at('2026-12-01T01:00'), WIB))).toBe('2027-01-01T01:00+07:00');
    expect(nextRuns(defaults.invoice!, at('2026-11-27T00:00'), WIB, 3).map(wib)).toEqual([
      '2026-12-01T01:00+07:00',
      '2027-01-01T01:00+07:00',
      '2027-02-01T01:00+07:00',
    ]);
  });

  it('R1: WIB midnight of the 1st is 17:00 UTC of the last day', () => {
    expect(nextRunAfter(parseCron('0 0 1 * *'), at('2026-10-15T00:00'), WIB)?.toISOString()).toBe(
      '2026-10-31T17:00:00.000Z',
    );
  });

  it('29 February only in leap years', () => {
    expect(wib(nextRunAfter(parseCron('0 0 29 2 *'), at('2026-03-01T00:00'), WIB))).toBe(
      '2028-02-29T00:00+07:00',
    );
  });

  it('day of month and day of week must both match (node-cron)', () => {
    // The 1st that is a Monday, after November 2026: 1 February 2027.
    expect(wib(nextRunAfter(parseCron('0 1 1 * mon'), at('2026-11-27T00:00'), WIB))).toBe(
      '2027-02-01T01:00+07:00',
    );
  });
});

describe('previous run (the tick a catch-up stands for)', () => {
  it.each([
    ['invoice', '2026-11-01T03:00', '2026-11-01T01:00+07:00'],
    ['invoice', '2026-11-01T01:00', '2026-11-01T01:00+07:00'],
    ['invoice', '2026-11-01T00:59', '2026-10-01T01:00+07:00'],
    ['settle', '2026-11-01T03:00', '2026-11-01T00:30+07:00'],
    ['rollup', '2026-11-01T00:14', '2026-10-31T00:15+07:00'],
    ['mail', '2026-11-01T03:04:59', '2026-11-01T03:00+07:00'],
    ['reminders', '2027-01-01T07:00', '2026-12-31T08:00+07:00'],
  ])('%s at %s WIB: %s', (job, now, expected) => {
    expect(wib(previousRunAtOrBefore(defaults[job]!, at(now), WIB))).toBe(expected);
  });
});

describe('the matcher takes a digest, not a clock', () => {
  it('digest of 2026-10-31T17:00Z in WIB is 1 November, 00:00, a Sunday', () => {
    const d = digestOf(new Date('2026-10-31T17:00:00Z'), WIB);
    expect(d).toEqual({ minute: 0, hour: 0, day: 1, month: 11, weekday: 0 });
    expect(matches(parseCron('0 0 1 * sun'), d)).toBe(true);
    expect(matches(defaults.invoice!, d)).toBe(false);
  });
});

describe('agrees with node-cron, which fires the jobs', () => {
  const expressions = [
    ...JOB_NAMES.map((j) => JOB_DEFAULTS[j].cron),
    '0 8 * * mon-fri',
    '5-59/20 3 * * *',
    '0 0 1 jan,jul *',
    '30 23 28-31 * *',
    '0 12 * * 0',
    '0 12 * * 7',
  ];
  it.each(expressions)('%s: the next 5 runs', (expression) => {
    const task = cron.createTask(expression, () => {}, { timezone: 'Asia/Jakarta' });
    try {
      const from = new Date();
      const ours = nextRuns(parseCron(expression), from, WIB, 5).map((d) => d.toISOString());
      const theirs = task.getNextRuns(5).map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));
      expect(ours).toEqual(theirs.map((d) => d.toISOString()));
    } finally {
      task.destroy();
    }
  });

  it.each(expressions)('node-cron accepts %s', (expression) => {
    expect(cron.validate(expression)).toBe(true);
  });
});

describe('time zones', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('the host zone (even with daylight saving) changes nothing', () => {
    const before = nextRuns(defaults.invoice!, at('2026-01-01T00:00'), WIB, 12).map(wib);
    process.env.TZ = 'America/New_York';
    expect(nextRuns(defaults.invoice!, at('2026-01-01T00:00'), WIB, 12).map(wib)).toEqual(before);
    expect(before.every((s) => s?.endsWith('-01T01:00+07:00'))).toBe(true);
  });

  it.each([
    ['Asia/Jakarta', { offset: 420 }],
    ['Asia/Makassar', { offset: 480 }],
    ['UTC', { offset: 0 }],
    ['Asia/Kolkata', { offset: 330 }],
    ['Europe/Berlin', { problem: 'changes its UTC offset during the year (daylight saving)' }],
    ['Mars/Olympus', { problem: 'is not a known time zone' }],
  ])('%s', (zone, expected) => {
    expect(fixedOffsetMinutes(zone)).toEqual(expected);
  });
});
