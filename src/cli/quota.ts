import { Command } from 'commander';
import { runQuotaCheck } from '../billing/quota/quota.ts';
import { isIsoDate } from '../domain/dates.ts';
import { formatRupiah } from '../domain/money.ts';
import { parseOffsetTimestamp } from '../domain/period.ts';
import { quotaCounts } from '../scheduler/job-counts.ts';
import { recordJobRun } from '../scheduler/job-runs.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

function asOfOption(value: string): Date {
  // A bare date is checked as that WIB day (usage is counted per day).
  const instant = isIsoDate(value) ? new Date(`${value}T00:00:00+07:00`) : parseOffsetTimestamp(value);
  if (instant === null) {
    throw new UserError(
      `--as-of '${value}' is not a timestamp with its offset (e.g. 2026-11-27T10:00:00+07:00) or a date (YYYY-MM-DD).`,
    );
  }
  return instant;
}

const program = new Command('quota')
  .description(
    [
      'Check every postpaid account against its usage quota (R10; the scheduler runs it hourly).',
      'Usage = this month so far, priced at the tier reached, before PPN. Quota = 2 × deposit balance, or the',
      "customer's override. From 80 %: one warning a month; from 100 %: suspended (reason quota) until the",
      'next month, a bigger deposit, or a raised quota.',
    ].join(' '),
  )
  .option('--as-of <TIMESTAMP>', 'check as of this moment (default: now); a date means that WIB day')
  .option(
    '--json',
    'print one object per postpaid customer: customer_code, usage, quota, percent, allowed, reason',
  )
  .action(async (opts: { asOf?: string; json?: boolean }) => {
    const now = new Date();
    const asOf = opts.asOf === undefined ? now : asOfOption(opts.asOf);
    if (asOf.getTime() > now.getTime() + 60_000) {
      throw new UserError(`--as-of ${opts.asOf} is in the future; the quota is checked on usage so far.`);
    }
    const summary = await withDatabase(config(), ({ database }) =>
      recordJobRun(
        database,
        'quota',
        'manual',
        () =>
          runQuotaCheck(database, { asOf }, () =>
            process.stderr.write('Another quota check is running; waiting for it to finish…\n'),
          ),
        { countsOf: quotaCounts },
      ),
    );
    if (opts.json) {
      printJson(summary.customers);
    } else {
      console.log(`Quota check for ${summary.month} as of ${summary.asOf}:\n`);
      console.log(
        table(
          ['customer', 'usage', 'quota', '%', 'sending', 'now'],
          summary.customers.map((c) => [
            c.customer_code,
            formatRupiah(c.usage),
            formatRupiah(c.quota),
            c.percent === null ? '-' : c.percent.toFixed(2),
            c.allowed ? 'allowed' : `refused (${c.reason})`,
            [
              c.warned_now ? 'warned' : '',
              c.suspended_now ? 'suspended' : '',
              c.lifted_now ? `lifted: ${c.lifted_now}` : '',
            ]
              .filter(Boolean)
              .join(', '),
          ]),
          new Set([1, 2, 3]),
        ),
      );
      for (const c of summary.customers) if (c.problem) console.log(`  not checked: ${c.problem}`);
    }
    if (summary.customers.some((c) => c.problem)) process.exitCode = 2;
  });

await runProgram(program);
