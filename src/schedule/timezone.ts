/** Instants across several years and both halves of the year: a zone with daylight saving shows two offsets. */
const PROBES = [2025, 2026, 2027, 2028, 2029, 2030].flatMap((y) => [
  Date.UTC(y, 0, 15, 12),
  Date.UTC(y, 3, 15, 12),
  Date.UTC(y, 6, 15, 12),
  Date.UTC(y, 9, 15, 12),
]);

function offsetAt(format: Intl.DateTimeFormat, ms: number): number {
  const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) throw new RangeError(`unexpected offset '${name}'`);
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * The fixed UTC offset of a time zone in minutes east of UTC (Asia/Jakarta → 420), or why it cannot be used: not a
 * zone, or a zone whose offset changes (daylight saving), where a wall-clock schedule would skip or repeat hours.
 */
export function fixedOffsetMinutes(timezone: string): { offset: number } | { problem: string } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
  } catch {
    return { problem: 'is not a known time zone' };
  }
  const offsets = new Set(PROBES.map((ms) => offsetAt(format, ms)));
  if (offsets.size !== 1) return { problem: 'changes its UTC offset during the year (daylight saving)' };
  return { offset: [...offsets][0]! };
}

/** '+07:00' for 420. */
export function offsetLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An instant as wall-clock time at the offset, to the minute: '2026-12-01T01:00+07:00'. */
export function formatAtOffset(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString();
  return `${local.slice(0, 16)}${offsetLabel(offsetMinutes)}`;
}
