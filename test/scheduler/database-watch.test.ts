// Issue 17, and the CI failure of 2026-12-02: a SIGTERM that came while the daemon was catching up after an outage
// closed the pool under the catch-up. The re-registered presence held a connection, so the pool never closed and
// the daemon hung until its shutdown timeout. The watch's stop now waits for the catch-up, and a presence is
// released once however often it is asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDaemon, runningDaemons } from '../../src/scheduler/daemon-presence.ts';
import { DatabaseWatch } from '../../src/scheduler/database-watch.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { memoryLogger } from './support.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

/** What the pool reports when PostgreSQL was shut down under it. */
function adminShutdown(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });
}

function watch(onBack: () => Promise<void>, firstRetryMs: number): DatabaseWatch {
  return new DatabaseWatch({
    pool: t.pool,
    log: memoryLogger().log,
    where: 'the test database',
    checkMs: 60_000,
    firstRetryMs,
    maxRetryMs: firstRetryMs,
    onBack,
  });
}

describe('the database watch stopping', () => {
  it('waits for the catch-up under way once the database is back, before the pool may close', async () => {
    const events: string[] = [];
    let finishCatchUp: () => void = () => {};
    let catchUpStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      catchUpStarted = resolve;
    });
    const w = watch(async () => {
      catchUpStarted();
      await new Promise<void>((resolve) => {
        finishCatchUp = resolve;
      });
      events.push('catch-up done');
    }, 10);
    expect(w.noteError(adminShutdown())).toBe(true);
    await started; // the database answered (it never went away), and the catch-up runs
    const stopped = w.stop().then(() => events.push('stopped'));
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]);
    finishCatchUp();
    await stopped;
    expect(events).toEqual(['catch-up done', 'stopped']);
  });

  it('ends the wait for the database at once, and catches up nothing after the stop', async () => {
    let caughtUp = false;
    const w = watch(async () => {
      caughtUp = true;
    }, 60_000);
    expect(w.noteError(adminShutdown())).toBe(true);
    expect(w.isDown).toBe(true);
    await w.stop();
    expect(caughtUp).toBe(false);
    expect(w.noteError(adminShutdown())).toBe(true); // noticed, but a stopped watch waits for nothing
  });
});

describe("the daemon's presence", () => {
  it('is released once when the stop and the re-registration after an outage both release it', async () => {
    const presence = await registerDaemon(t.pool);
    expect(await runningDaemons(t.db)).toBe(1);
    await presence.release();
    await presence.release(); // pg would throw "Release called on client which has already been released"
    expect(await runningDaemons(t.db)).toBe(0);
    expect(t.pool.totalCount - t.pool.idleCount).toBe(0);
  });
});
