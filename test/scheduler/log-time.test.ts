// Issue 17: daemon log times are WIB with their offset, whatever the host's zone, in JSON and pretty lines alike.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logTime } from '../../src/log.ts';

function capture(
  format: 'json' | 'pretty',
  clock: () => number,
): { log: ReturnType<typeof createLogger>; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    log: createLogger({ level: 'info', format, destination, isTty: false, clock }),
    text: () => chunks.join(''),
  };
}

describe('log times', () => {
  it.each([
    [Date.UTC(2026, 10, 30, 17, 0, 0, 5), '2026-12-01T00:00:00.005+07:00'],
    [Date.UTC(2026, 11, 31, 23, 59, 59, 999), '2027-01-01T06:59:59.999+07:00'],
    [Date.UTC(2026, 5, 15, 3, 4, 5, 60), '2026-06-15T10:04:05.060+07:00'],
  ])('R1: %d is written in WIB as %s', (ms, expected) => {
    expect(logTime(ms)).toBe(expected);
  });

  it('a JSON line carries the WIB time with +07:00, the same instant as UTC', () => {
    const at = Date.UTC(2026, 10, 30, 17, 30);
    const { log, text } = capture('json', () => at);
    log.info('tick');
    const line = JSON.parse(text().trim()) as { time: string };
    expect(line.time).toBe('2026-12-01T00:30:00.000+07:00');
    expect(new Date(line.time).getTime()).toBe(at);
  });

  it('a pretty line shows the same WIB time with its offset, not the host zone', () => {
    const { log, text } = capture('pretty', () => Date.UTC(2026, 10, 30, 17, 30));
    log.info('tick');
    expect(text()).toContain('2026-12-01T00:30:00.000+07:00');
  });
});
