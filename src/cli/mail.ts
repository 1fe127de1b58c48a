import { Command } from 'commander';
import type { MailStatus } from '../db/schema.ts';
import { formatWib } from '../domain/period.ts';
import { listOutbox, MAIL_STATUSES, RetryRefused, retryAllFailed, retryMail } from '../mail/manage-outbox.ts';
import { sendPendingMail } from '../mail/send-mail.ts';
import { mailCounts } from '../scheduler/job-counts.ts';
import { recordJobRun } from '../scheduler/job-runs.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('mail').description('The mail outbox: send what is pending, list, retry');

program
  .command('send')
  .option('--json', 'print the result as JSON')
  .description(
    'Deliver the pending mail through SMTP_URL (without it: write .eml files into <out>/outbox/); ' +
      'temporary failures are retried later, permanent ones marked failed',
  )
  .action(async (opts: { json?: boolean }) => {
    const cfg = config();
    const summary = await withDatabase(cfg, ({ database }) =>
      recordJobRun(database, 'mail', 'manual', () => sendPendingMail(database, cfg), {
        countsOf: mailCounts,
      }),
    );
    if (opts.json) printJson(summary);
    else {
      const where = cfg.smtpUrl ? 'sent' : `written as .eml into ${cfg.outDir}/outbox`;
      console.log(
        `${summary.sent} mail(s) ${where}, ${summary.retrying} to retry later, ${summary.failed} failed.`,
      );
      for (const note of summary.notes) console.log(`  note: ${note}`);
      if (summary.failed > 0) {
        console.log("See 'npm run mail -- list --status failed'; after fixing, 'npm run mail -- retry ID'.");
      }
    }
    if (summary.failed > 0) process.exitCode = 2;
  });

function statusOption(value: string): MailStatus {
  if (!(MAIL_STATUSES as ReadonlyArray<string>).includes(value)) {
    throw new UserError(
      `--status '${value}' is not a mail status; expected one of ${MAIL_STATUSES.join(', ')}`,
    );
  }
  return value as MailStatus;
}

program
  .command('list')
  .option('--status <status>', `only mail of this status (${MAIL_STATUSES.join('|')})`)
  .option('--json', 'print as JSON')
  .description('The outbox with each mail’s status, attempts and last error')
  .action(async (opts: { status?: string; json?: boolean }) => {
    const status = opts.status === undefined ? undefined : statusOption(opts.status);
    await withDatabase(config(), async ({ database }) => {
      const rows = await listOutbox(database.db, status);
      if (opts.json) {
        printJson(rows);
        return;
      }
      if (rows.length === 0) {
        console.log(status ? `No ${status} mail.` : 'The outbox is empty.');
        return;
      }
      console.log(
        table(
          ['id', 'kind', 'customer', 'invoice', 'status', 'attempts', 'next try / sent (WIB)', 'last error'],
          rows.map((r) => [
            String(r.id),
            r.kind,
            r.customerCode ?? '',
            r.invoiceNumber ?? '',
            r.status,
            String(r.attempts),
            r.sentAt ? formatWib(r.sentAt) : r.status === 'pending' ? formatWib(r.nextAttemptAt) : '',
            r.lastError ?? '',
          ]),
          new Set([0, 5]),
        ),
      );
    });
  });

program
  .command('retry')
  .argument('[id]', 'the outbox id of the mail (see list)')
  .option('--all-failed', 'every failed mail')
  .option('--json', 'print the result as JSON')
  .description('Put failed mail back to pending with its attempts reset; the next send delivers it')
  .action(async (id: string | undefined, opts: { allFailed?: boolean; json?: boolean }) => {
    if ((id === undefined) === !opts.allFailed) {
      throw new UserError("Give either a mail id or --all-failed, e.g. 'npm run mail -- retry 12'.");
    }
    if (id !== undefined && !/^\d+$/.test(id)) {
      throw new UserError(`'${id}' is not a mail id; expected a number from 'npm run mail -- list'.`);
    }
    await withDatabase(config(), async ({ database }) => {
      const now = new Date();
      let ids: number[];
      try {
        if (id === undefined) ids = await retryAllFailed(database.db, now);
        else {
          await retryMail(database.db, Number(id), now);
          ids = [Number(id)];
        }
      } catch (error) {
        if (error instanceof RetryRefused) throw new UserError(error.message);
        throw error;
      }
      if (opts.json) printJson({ retried: ids });
      else if (ids.length === 0) console.log('No failed mail to retry.');
      else console.log(`Back to pending: ${ids.join(', ')}. Send with 'npm run mail -- send'.`);
    });
  });

await runProgram(program);
