// Issue 17: a database that cannot be reached is named in one line (DATABASE_URL, password hidden) with what to
// check, and the command exits 1; the driver's 'connect ECONNREFUSED 127.0.0.1:1' never reaches the user.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const CASES: ReadonlyArray<[string, string, RegExp]> = [
  ['nothing listens on the port', 'postgresql://tagih:s3cret@127.0.0.1:1/tagih', /refused the connection/],
  [
    'the host does not resolve',
    'postgresql://tagih:s3cret@db.invalid:5432/tagih',
    /host name that does not resolve/,
  ],
];

const COMMANDS: ReadonlyArray<[string, ReadonlyArray<string>]> = [
  ['status', []],
  ['migrate', []],
  ['invoice', ['--month', '2026-10']],
  ['ingest', ['-']],
  ['start', []],
];

describe('a database that cannot be reached', () => {
  it.each(
    CASES.flatMap(([why, url, words]) =>
      COMMANDS.map(([cmd, args]) => [cmd, why, args, url, words] as const),
    ),
  )(
    '%s when %s: one line naming DATABASE_URL without its password, exit 1',
    async (command, _why, args, url, words) => {
      const result = await runCli(command, args, { DATABASE_URL: url, TAGIH_LOG_FORMAT: 'json' });
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`DATABASE_URL=${url.replace('s3cret', '***')}`);
      expect(lines[0]).toMatch(words);
      expect(lines[0]).toContain('Check that PostgreSQL runs there');
      expect(result.stderr + result.stdout).not.toContain('s3cret');
      expect(result.stderr).not.toMatch(/ECONNREFUSED|ENOTFOUND|getaddrinfo|\n\s+at /);
    },
  );
});
