import { Command } from 'commander';
import { checkRunDates, InvoiceRunRefused } from '../billing/invoicing/invoice-month.ts';
import { formatRupiah } from '../domain/money.ts';
import { lastFinishedMonth, wibDateOf } from '../domain/period.ts';
import { type IssuedMonth, issueMonthAndMail } from '../operations/issue-month.ts';
import { joinMonth, spawnMonthWorkers, workersOption } from './invoice-workers.ts';
import { isoDateOption, monthOption } from './options.ts';
import { progressReporter } from './progress.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

type RunResult = Omit<IssuedMonth, 'mailNotSent'>;

function printSummary(s: RunResult, holdMail: boolean): void {
  const what = s.dryRun ? 'DRAFT (dry run, nothing saved)' : 'issued';
  console.log(`\nInvoices for ${s.month}, dated ${s.issueDate}:`);
  console.log(`  ${what}: ${s.issued.length}`);
  console.log(`  already issued: ${s.alreadyIssued.length}`);
  console.log(`  skipped (no usage): ${s.skipped.length}`);
  console.log(`  parked (not invoiced): ${s.parked.length}`);
  for (const p of s.parked) console.log(`    ${p.customerCode}: ${p.reason}`);
  console.log(
    `  totals of the ${s.dryRun ? 'drafts' : 'invoices issued now'}: Penggantian ${formatRupiah(s.totals.subtotal)}, PPN ${formatRupiah(s.totals.tax)}, total ${formatRupiah(s.totals.total)}`,
  );
  console.log(`\nRegister: ${s.register}`);
  console.log(`PDFs and detail CSVs: ${s.folder} (${s.filesWritten} invoice(s) got files now)`);
  if (s.printPack)
    console.log(`Print pack for paper invoices: ${s.printPack.pdf} and ${s.printPack.addresses}`);
  if (s.dryRun) return;
  if (s.mail) {
    console.log(`\nMail: ${s.mail.sent} sent, ${s.mail.retrying} to retry, ${s.mail.failed} failed.`);
    for (const note of s.mail.notes) console.log(`  ${note}`);
  } else if (holdMail && s.issued.length > 0) {
    console.log(`\nMail is held for review: npm run review -- --month ${s.month} (approve there to send).`);
  } else if (s.issued.length > 0)
    console.log("\nMail not sent now (--no-email); it stays queued: 'npm run mail -- send'.");
}

const program = new Command('invoice')
  .description("Issue a month's invoices: register, PDF and detail CSV per invoice, and their mail")
  .option('--month <YYYY-MM>', 'the month to invoice (default: the last finished month, WIB)')
  .option('--issue-date <YYYY-MM-DD>', 'invoice date (default: today, WIB)')
  .option('--customer <CODE>', 'only this customer')
  .option('--dry-run', 'compute and render DRAFT documents into <out>/<month>/dry-run/, save nothing')
  .option('--no-email', 'do not send the mail now (it stays queued)')
  .option('--out <dir>', 'output folder (default: ./out, or TAGIH_OUT)')
  .option('--json', 'print the summary as JSON')
  .option('--workers <N>', 'share the month close among N worker processes (a whole month only)')
  .option('--join', "work on a month close another run has started (a second machine's share), then stop")
  .option('--pdf-threads <N>', 'PDF render threads of a --join worker (default: one per core)')
  .action(
    async (opts: {
      month?: string;
      issueDate?: string;
      customer?: string;
      dryRun?: boolean;
      email: boolean;
      out?: string;
      json?: boolean;
      workers?: string;
      join?: boolean;
      pdfThreads?: string;
    }) => {
      const now = new Date();
      const month = opts.month === undefined ? lastFinishedMonth(now) : monthOption(opts.month);
      if (opts.join) return joinMonth(month, opts);
      const workers = opts.workers === undefined ? undefined : workersOption(opts.workers);
      const issueDate =
        opts.issueDate === undefined ? wibDateOf(now) : isoDateOption(opts.issueDate, '--issue-date');
      try {
        checkRunDates(month, issueDate, now); // refused before anything is opened or recorded
      } catch (error) {
        if (error instanceof InvoiceRunRefused) throw new UserError(error.message);
        throw error;
      }
      const base = config();
      const cfg = opts.out ? { ...base, outDir: opts.out } : base;
      const progress = progressReporter(!opts.json);
      const summary = await withDatabase(cfg, async ({ database }) => {
        try {
          // The step decides whether this run counts for the scheduler's catch-up, and sends the mail after it.
          const { mailNotSent: _, ...result } = await issueMonthAndMail(database, cfg, {
            month,
            issueDate,
            customerCode: opts.customer,
            dryRun: opts.dryRun ?? false,
            actor: cfg.operatorName,
            holdMail: cfg.reviewBeforeSending,
            now,
            trigger: 'manual',
            email: opts.email,
            onProgress: progress,
            workers: workers === undefined ? undefined : spawnMonthWorkers(month, workers, opts.out),
            onWait: () =>
              process.stderr.write(
                `Another invoice run for ${month} is in progress; waiting for it to finish…\n`,
              ),
          });
          progress.done();
          return result;
        } catch (error) {
          if (error instanceof InvoiceRunRefused) throw new UserError(error.message);
          throw error;
        }
      });
      // Cron must tell "nothing to bill" from "billed": a month without billable usage exits 3, saying so.
      const nothingToBill =
        summary.issued.length + summary.alreadyIssued.length + summary.parked.length === 0;
      if (opts.json) printJson({ ...summary, nothingToBill });
      else if (nothingToBill) {
        const who = opts.customer === undefined ? 'No customer has' : `Customer ${opts.customer} has no`;
        console.log(
          `${who} billable usage in ${month}: nothing to bill, no invoice issued (exit code 3).${summary.skipped.length > 0 ? ` ${summary.skipped.length} customer(s) without billable usage (R2, R7).` : ''}`,
        );
      } else printSummary(summary, cfg.reviewBeforeSending);
      if (summary.parked.length > 0) process.exitCode = 2;
      else if (nothingToBill) process.exitCode = 3;
    },
  );

await runProgram(program);
