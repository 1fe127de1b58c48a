// A pure cron matcher (graphile-worker's way): it takes a time digest, never a clock. Times are computed on a fixed
// UTC offset — Asia/Jakarta (WIB) has had no daylight saving since 1964, so wall-clock minutes map one to one onto
// instants. node-cron fires the jobs; this module says when they should have fired (catch-up) and will fire next
// (status), with node-cron's own rules: five fields, and day-of-month AND day-of-week must both match.
import { civilFromDays, daysFromCivil, weekdayOfDays } from '../domain/civil-days.ts';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** How far ahead or back a search goes before it decides an expression never fires (over 8 years of days). */
const SEARCH_DAYS = 3000;

export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

/** A parsed five-field expression: the allowed values of each field. */
export interface Cron {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  readonly daysOfWeek: ReadonlySet<number>;
}

/** One wall-clock minute, the only thing the matcher looks at. */
export interface TimeDigest {
  readonly minute: number;
  readonly hour: number;
  readonly day: number;
  readonly month: number;
  /** 0 = Sunday. */
  readonly weekday: number;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: ReadonlyArray<string>;
}

const FIELDS: ReadonlyArray<FieldSpec> = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day of month', min: 1, max: 31 },
  {
    label: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { label: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function fieldValue(token: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return spec.label === 'month' ? named + 1 : named;
  if (!/^\d{1,2}$/.test(token)) {
    throw new CronSyntaxError(`'${token}' is not a ${spec.label} (${spec.min}–${spec.max})`);
  }
  const n = Number(token);
  if (n < spec.min || n > spec.max) {
    throw new CronSyntaxError(`${spec.label} ${n} is out of range ${spec.min}–${spec.max}`);
  }
  return n;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (range === undefined || range === '' || extra !== undefined) {
      throw new CronSyntaxError(`'${item}' is not a ${spec.label} item`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) === 0) {
        throw new CronSyntaxError(`step '/${stepText}' of the ${spec.label} must be a whole number from 1`);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.label === 'day of week' ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (a === undefined || b === undefined || more !== undefined) {
        throw new CronSyntaxError(`'${range}' is not a ${spec.label} range`);
      }
      from = fieldValue(a, spec);
      to = fieldValue(b, spec);
      if (from > to) throw new CronSyntaxError(`${spec.label} range ${range} runs backwards`);
    } else {
      if (stepText !== undefined) {
        // Vixie cron reads '5/20' as 5-59/20; node-cron refuses it, so it is refused here too.
        throw new CronSyntaxError(
          `'${item}' needs a range before its step, e.g. '${range}-${spec.max}/${stepText}'`,
        );
      }
      from = fieldValue(range, spec);
      to = from;
    }
    for (let v = from; v <= to; v += step) values.add(spec.label === 'day of week' && v === 7 ? 0 : v);
  }
  return values;
}

/**
 * Parses a five-field cron expression ('minute hour day-of-month month day-of-week', e.g. '15 0 * * *'): numbers,
 * '*', ranges 'a-b', steps '/n', lists 'a,b', and month or weekday names ('jan', 'mon-fri'). Throws CronSyntaxError
 * saying what is wrong; an expression that can never fire (e.g. '0 0 31 2 *') is refused too.
 */
export function parseCron(expression: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronSyntaxError(
      `'${expression}' has ${fields.length} field(s); expected 5: minute hour day-of-month month day-of-week`,
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = fields.map((f, i) => parseField(f, FIELDS[i]!));
  const cron: Cron = {
    source: fields.join(' '),
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek: daysOfWeek!,
  };
  if (nextDay(cron, daysFromCivil(2000, 1, 1), 1) === null) {
    throw new CronSyntaxError(`'${expression}' names no day that exists, so it would never run`);
  }
  return cron;
}

/** Whether the job runs in this minute. */
export function matches(cron: Cron, t: TimeDigest): boolean {
  return (
    cron.minutes.has(t.minute) &&
    cron.hours.has(t.hour) &&
    cron.daysOfMonth.has(t.day) &&
    cron.months.has(t.month) &&
    cron.daysOfWeek.has(t.weekday)
  );
}

/** The wall-clock minute of an instant at a fixed UTC offset (minutes east of UTC: +420 for WIB). */
export function digestOf(instant: Date, offsetMinutes: number): TimeDigest {
  const localMinute = Math.floor(instant.getTime() / MINUTE_MS) + offsetMinutes;
  const days = Math.floor(localMinute / DAY_MINUTES);
  const minuteOfDay = localMinute - days * DAY_MINUTES;
  const { month, day } = civilFromDays(days);
  return {
    minute: minuteOfDay % 60,
    hour: Math.floor(minuteOfDay / 60),
    day,
    month,
    weekday: weekdayOfDays(days),
  };
}

function dayMatches(cron: Cron, days: number): boolean {
  const { month, day } = civilFromDays(days);
  return cron.daysOfMonth.has(day) && cron.months.has(month) && cron.daysOfWeek.has(weekdayOfDays(days));
}

/** The first matching day from `days` on in direction `dir` (+1 / -1), or null. */
function nextDay(cron: Cron, days: number, dir: 1 | -1): number | null {
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const d = days + i * dir;
    if (dayMatches(cron, d)) return d;
  }
  return null;
}

/** Matching minutes of a day, ascending. */
function minutesOfDay(cron: Cron): number[] {
  const out: number[] = [];
  for (const h of [...cron.hours].sort((a, b) => a - b)) {
    for (const m of [...cron.minutes].sort((a, b) => a - b)) out.push(h * 60 + m);
  }
  return out;
}

/**
 * The first run strictly after `after`, e.g. nextRunAfter(parseCron('0 1 1 * *'), 2026-11-01T01:00+07:00, 420) is
 * 2026-12-01T01:00+07:00. Null if the expression never fires again (it always does once parseCron accepted it).
 */
export function nextRunAfter(cron: Cron, after: Date, offsetMinutes: number): Date | null {
  const localMinute = Math.floor(after.getTime() / MINUTE_MS) + offsetMinutes + 1;
  let days = Math.floor(localMinute / DAY_MINUTES);
  let fromMinute = localMinute - days * DAY_MINUTES;
  const minutes = minutesOfDay(cron);
  for (let guard = 0; guard < SEARCH_DAYS; guard++) {
    const d = nextDay(cron, days, 1);
    if (d === null) return null;
    if (d !== days) fromMinute = 0;
    const m = minutes.find((x) => x >= fromMinute);
    if (m !== undefined) return new Date((d * DAY_MINUTES + m - offsetMinutes) * MINUTE_MS);
    days = d + 1;
    fromMinute = 0;
  }
  return null;
}

/**
 * The latest run at or before `atOrBefore` (the tick a catch-up stands in for), e.g. for '0 1 1 * *' at
 * 2026-11-01T03:00+07:00 it is 2026-11-01T01:00+07:00. Null if there was none in the search window.
 */
export function previousRunAtOrBefore(cron: Cron, atOrBefore: Date, offsetMinutes: number): Date | null {
  const localMinute = Math.floor(atOrBefore.getTime() / MINUTE_MS) + offsetMinutes;
  let days = Math.floor(localMinute / DAY_MINUTES);
  let toMinute = localMinute - days * DAY_MINUTES;
  const minutes = minutesOfDay(cron).reverse();
  for (let guard = 0; guard < SEARCH_DAYS; guard++) {
    const d = nextDay(cron, days, -1);
    if (d === null) return null;
    if (d !== days) toMinute = DAY_MINUTES - 1;
    const m = minutes.find((x) => x <= toMinute);
    if (m !== undefined) return new Date((d * DAY_MINUTES + m - offsetMinutes) * MINUTE_MS);
    days = d - 1;
    toMinute = DAY_MINUTES - 1;
  }
  return null;
}

/** The next `count` runs after `after`. */
export function nextRuns(cron: Cron, after: Date, offsetMinutes: number, count: number): Date[] {
  const out: Date[] = [];
  let t: Date | null = after;
  while (out.length < count && t !== null) {
    t = nextRunAfter(cron, t, offsetMinutes);
    if (t !== null) out.push(t);
  }
  return out;
}
