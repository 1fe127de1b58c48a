// The scheduler's configuration is validated when it is loaded, i.e. at start-up: a bad value names its key and
// the form expected, and the daemon never starts with it.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { tempDir } from '../support/fixtures.ts';

describe('schedule configuration', () => {
  it('defaults: the schedule of issue 6, in Asia/Jakarta (UTC+07:00)', () => {
    const config = loadConfig({});
    expect(config.schedule).toEqual({
      partitions: '5 0 * * *',
      rollup: '15 0 * * *',
      settle: '30 0 1 * *',
      invoice: '0 1 1 * *',
      quota: '0 * * * *',
      reminders: '0 8 * * *',
      prepaid: '30 1 * * *',
      mail: '*/5 * * * *',
    });
    expect(config.timezone).toBe('Asia/Jakarta');
    expect(config.timezoneOffsetMinutes).toBe(420);
    expect(config.reminderDaysBeforeDue).toBe(3);
    expect(config.reminderDaysAfterDue).toBe(1);
  });

  it('a job can be moved or switched off', () => {
    const config = loadConfig({ TAGIH_CRON_MAIL: '*/10  *  * * *', TAGIH_CRON_QUOTA: 'OFF' });
    expect(config.schedule.mail).toBe('*/10 * * * *');
    expect(config.schedule.quota).toBeNull();
  });

  it.each([
    [
      { TAGIH_CRON_INVOICE: '0 1 32 * *' },
      "TAGIH_CRON_INVOICE='0 1 32 * *' is not a cron expression: day of month 32 is out of range 1–31. Expected 5 fields 'minute hour day-of-month month day-of-week' in Asia/Jakarta time, e.g. TAGIH_CRON_INVOICE='0 1 1 * *', or TAGIH_CRON_INVOICE=off",
    ],
    [
      { TAGIH_CRON_MAIL: 'every 5 minutes' },
      /TAGIH_CRON_MAIL='every 5 minutes' is not a cron expression: .* has 3 field\(s\)/,
    ],
    [{ TAGIH_CRON_ROLLUP: '15 0 * * * *' }, /TAGIH_CRON_ROLLUP=.* 6 field\(s\); expected 5/],
    [{ TAGIH_CRON_SETTLE: '30 0 31 2 *' }, /TAGIH_CRON_SETTLE=.*would never run/],
    [{ TAGIH_CRON_REMINDERS: '0 8 * * L' }, /TAGIH_CRON_REMINDERS=.*'L' is not a day of week/],
    [
      { TAGIH_TIMEZONE: 'Europe/Berlin' },
      /TAGIH_TIMEZONE=Europe\/Berlin changes its UTC offset during the year \(daylight saving\); expected a zone with a fixed offset, e.g. TAGIH_TIMEZONE=Asia\/Jakarta/,
    ],
    [{ TAGIH_TIMEZONE: 'Jakarta' }, /TAGIH_TIMEZONE=Jakarta is not a known time zone/],
    [
      { TAGIH_LOG_LEVEL: 'verbose' },
      /TAGIH_LOG_LEVEL=verbose is not allowed; expected one of fatal, error, warn, info/,
    ],
    [{ TAGIH_LOG_FORMAT: 'xml' }, /TAGIH_LOG_FORMAT=xml is not allowed; expected one of auto, json, pretty/],
    [
      { TAGIH_REMINDER_DAYS_BEFORE_DUE: '20' },
      /TAGIH_REMINDER_DAYS_BEFORE_DUE=20 is out of range; expected 1..13/,
    ],
    [{ TAGIH_SHUTDOWN_TIMEOUT_SECONDS: 'soon' }, /TAGIH_SHUTDOWN_TIMEOUT_SECONDS=soon is not a whole number/],
  ])('%o is refused, naming the key and the form expected', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('TAGIH_ENV_FILE: settings from a file; the environment wins', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'tagih.env'),
      "# the daemon's settings\nTAGIH_CRON_MAIL='*/15 * * * *'\nTAGIH_CRON_QUOTA=30 * * * *\n",
    );
    const config = loadConfig({ TAGIH_ENV_FILE: 'tagih.env', TAGIH_CRON_QUOTA: '45 * * * *' }, dir);
    expect(config.schedule.mail).toBe('*/15 * * * *');
    expect(config.schedule.quota).toBe('45 * * * *');
    expect(() => loadConfig({ TAGIH_ENV_FILE: 'missing.env' }, dir)).toThrow(
      /TAGIH_ENV_FILE=missing.env cannot be read \(ENOENT\); expected the path of a file of KEY=VALUE lines/,
    );
  });
});

describe('npm start with a bad cron expression', () => {
  it('stops before touching the database, saying which key is wrong', () => {
    const result = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/start.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // Nothing listens here: the run must fail on the configuration, not on the connection.
        DATABASE_URL: 'postgresql://tagih:secret@127.0.0.1:9/tagih',
        TAGIH_CRON_QUOTA: '0 */0 * * *',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^Configuration: TAGIH_CRON_QUOTA='0 \*\/0 \* \* \*' is not a cron expression: step '\/0' of the hour must be a whole number from 1\. Expected 5 fields/,
    );
    expect(result.stderr).not.toContain('secret');
    expect(result.stdout).toBe('');
  });
});
