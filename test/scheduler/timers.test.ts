// node-cron fires the jobs: with a fake clock, the daemon's timers queue each job at its minute, in WIB.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/connect.ts';
import { formatAtOffset } from '../../src/schedule/timezone.ts';
import { Scheduler } from '../../src/scheduler/daemon.ts';
import type { JobRunner } from '../../src/scheduler/jobs.ts';
import { at, memoryLogger, schedulerConfig } from './support.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('timers', () => {
  it('at 01:00 WIB on the 1st the invoice job is queued for that tick; quota hourly, mail every 5 minutes', async () => {
    vi.useFakeTimers({ now: at('2026-11-01T00:58:30') });
    const ticks: string[] = [];
    const enqueued = vi.spyOn(Scheduler.prototype, 'enqueue').mockImplementation((job, trigger, tick) => {
      ticks.push(`${job} ${trigger} ${formatAtOffset(tick, 420)}`);
    });
    const config = await schedulerConfig();
    const noop: JobRunner = async () => ({ outcome: 'ok', counts: {} });
    const scheduler = new Scheduler({
      database: {} as Database,
      config,
      log: memoryLogger().log,
      jobs: { invoice: noop, mail: noop },
    });
    scheduler.startTimers();
    try {
      await vi.advanceTimersByTimeAsync(7 * 60_000);
    } finally {
      await scheduler.stop('test');
      enqueued.mockRestore();
    }
    expect(ticks.sort()).toEqual([
      'invoice schedule 2026-11-01T01:00+07:00',
      'mail schedule 2026-11-01T01:00+07:00',
      'mail schedule 2026-11-01T01:05+07:00',
      'quota schedule 2026-11-01T01:00+07:00',
    ]);
  });
});
