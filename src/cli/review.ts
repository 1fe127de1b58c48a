import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { approveInvoices, holdInvoice, releaseInvoice } from '../billing/invoicing/invoice-review.ts';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/connect.ts';
import { formatRupiah } from '../domain/money.ts';
import { lastFinishedMonth } from '../domain/period.ts';
import { loadReviewMonth, type ReviewInvoice } from '../review/load-review-month.ts';
import { CONFIRM_ABOVE, invoiceByNumber, unflaggedAwaiting } from '../review/review-selection.ts';
import { startReviewServer } from '../review/review-server.ts';
import { loadReviewSettings } from '../review/review-settings.ts';
import { monthOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const asUserError = (m: string) => new UserError(m);

import { usersCommand } from './review-users.ts';

/** Resolves when the user stops the server (Ctrl+C, or a service manager's SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const program = new Command('review').description(
  "Review a month's invoices: the page (default), or list, approve, hold and release from the shell",
);

program
  .command('serve', { isDefault: true })
  .description(
    "Open the review page of a month's invoices: flags, PDFs, approve (sends the mail), hold, void",
  )
  .option('--month <YYYY-MM>', 'the month to review (default: the last finished month, WIB)')
  .option('--port <n>', 'port on 127.0.0.1 (default: TAGIH_REVIEW_PORT, 8417; 0 picks a free one)')
  .action(async (opts: { month?: string; port?: string }) => {
    const month = opts.month === undefined ? lastFinishedMonth(new Date()) : monthOption(opts.month);
    const cfg = config();
    const settings = loadReviewSettings();
    let port = cfg.reviewPort;
    if (opts.port !== undefined) {
      port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535)
        throw new UserError(`--port '${opts.port}' is not a port; expected 0..65535, e.g. 8417`);
    }
    await withDatabase(cfg, async ({ database }) => {
      let server: Awaited<ReturnType<typeof startReviewServer>>;
      try {
        server = await startReviewServer(database, cfg, { port, month, settings });
      } catch (error) {
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new UserError(
            `Port ${port} on 127.0.0.1 is in use (another review page?). Stop it, or pick another: npm run review -- --port 0`,
          );
        }
        throw error;
      }
      console.log(`Review page for ${month}: ${server.url}`);
      if (server.url !== server.local)
        console.log(`Listening on ${server.local} (behind TAGIH_REVIEW_PUBLIC_URL).`);
      console.log(
        server.users
          ? 'Log in with your review user (npm run review -- users list).'
          : 'No review users yet: the address above carries a one-time token. Add users: npm run review -- users add NAME',
      );
      console.log(
        `Approvals are logged as the logged-in user${server.users ? '' : ` (with the token: ${cfg.operatorName}, TAGIH_OPERATOR)`}. Approving sends the mail${cfg.smtpUrl ? '' : ` as .eml files into ${cfg.outDir}/outbox (no SMTP_URL)`}.`,
      );
      console.log('Press Ctrl+C to stop.');
      await untilStopped();
      await server.close();
    });
  });

/** An invoice as `review list --json` prints it (snake_case keys). */
function invoiceJson(i: ReviewInvoice) {
  return {
    number: i.number,
    customer_code: i.customerCode,
    customer_name: i.customerName,
    kind: i.kind,
    parts: i.parts,
    subtotal: i.subtotal,
    tax: i.tax,
    total: i.total,
    invoice_date: i.invoiceDate,
    due_date: i.dueDate,
    status: i.status,
    review_state: i.reviewState,
    review_note: i.reviewNote,
    mail_status: i.mailStatus,
    flags: i.flags.map((f) => ({ kind: f.kind, label: f.labelEn, detail: f.detail })),
  };
}

program
  .command('list')
  .requiredOption('--month <YYYY-MM>', 'the month of the invoices')
  .option('--flagged', 'only the invoices that raise a flag')
  .option('--json', 'print as JSON')
  .description("A month's invoices with their review state, mail and flags (the page's table)")
  .action(async (opts: { month: string; flagged?: boolean; json?: boolean }) => {
    const month = monthOption(opts.month);
    await withDatabase(config(), async ({ database }) => {
      const data = await loadReviewMonth(database.db, month, loadReviewSettings());
      const rows = data.invoices.filter((i) => !opts.flagged || i.flags.length > 0);
      if (opts.json) return printJson(rows.map(invoiceJson));
      if (rows.length === 0) {
        return console.log(
          `No ${opts.flagged ? 'flagged ' : ''}invoices for ${month}.${data.invoices.length === 0 ? ` Issue them with 'npm run invoice -- --month ${month}'.` : ''}`,
        );
      }
      console.log(
        table(
          ['number', 'customer', 'total', 'state', 'mail', 'flags'],
          rows.map((i) => [
            i.number,
            i.customerCode,
            formatRupiah(i.total),
            i.status === 'void' ? 'void' : i.reviewState.replaceAll('_', ' '),
            i.mailStatus ?? '-',
            i.flags.map((f) => f.labelEn).join(', '),
          ]),
          new Set([2]),
        ),
      );
      const waiting = unflaggedAwaiting(data).length;
      console.log(`${rows.length} invoice(s); ${waiting} unflagged awaiting approval.`);
    });
  });

/** The invoice ids of `numbers`, each checked to be of `month`. */
async function idsOfNumbers(db: Db, month: string, numbers: ReadonlyArray<string>): Promise<number[]> {
  const ids: number[] = [];
  for (const n of numbers) {
    const inv = await invoiceByNumber(db, n);
    if (!inv) throw new UserError(`There is no invoice ${n}. See 'npm run review -- list --month ${month}'.`);
    if (inv.month !== month)
      throw new UserError(
        `${inv.number} is an invoice of ${inv.month}, not of ${month}; nothing was approved.`,
      );
    ids.push(inv.id);
  }
  return ids;
}

/** More than CONFIRM_ABOVE mails: asked on a terminal; refused elsewhere unless --yes. */
async function confirmMany(count: number, month: string, yes: boolean): Promise<void> {
  if (count <= CONFIRM_ABOVE || yes) return;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(
      `${count} invoices of ${month} would be approved and ${count} mails sent to customers; that is more than ${CONFIRM_ABOVE} and this is not a terminal to ask on. Add --yes to approve them. Nothing was approved.`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(
      `Approve ${count} invoices of ${month} and send ${count} mails now? [y/N] `,
    );
    if (!/^(y|yes|ya)$/i.test(answer.trim())) throw new UserError('Nothing was approved.');
  } finally {
    rl.close();
  }
}

async function approveFromShell(
  database: Database,
  cfg: Config,
  opts: { month: string; allUnflagged?: boolean; yes?: boolean },
  numbers: ReadonlyArray<string>,
) {
  const month = monthOption(opts.month);
  if (numbers.length > 0 === Boolean(opts.allUnflagged)) {
    throw new UserError('Give either --all-unflagged or the invoice numbers to approve (not both).');
  }
  const data = await loadReviewMonth(database.db, month, loadReviewSettings());
  const ids = opts.allUnflagged
    ? unflaggedAwaiting(data).map((i) => i.id)
    : await idsOfNumbers(database.db, month, numbers);
  const todo = data.invoices.filter(
    (i) => ids.includes(i.id) && i.status !== 'void' && i.reviewState !== 'approved',
  ).length;
  await confirmMany(todo, month, Boolean(opts.yes));
  const now = new Date();
  return refusalsAs(asUserError, () => approveInvoices(database, cfg, ids, cfg.operatorName, now));
}

program
  .command('approve')
  .argument('[numbers...]', 'invoice numbers, e.g. INV/2026/11/00042')
  .requiredOption('--month <YYYY-MM>', 'the month of the invoices')
  .option('--all-unflagged', 'every invoice awaiting review that raises no flag (as the page button)')
  .option('--yes', `approve more than ${CONFIRM_ABOVE} without asking`)
  .option('--json', 'print the result as JSON')
  .description('Approve invoices: their held mail is released and sent (the same step as the page)')
  .action(
    async (
      numbers: string[],
      opts: { month: string; allUnflagged?: boolean; yes?: boolean; json?: boolean },
    ) => {
      const cfg = config();
      await withDatabase(cfg, async ({ database }) => {
        const r = await approveFromShell(database, cfg, opts, numbers);
        const mail = { sent: r.mail.sent, failed: r.mail.failed, retrying: r.mail.retrying };
        if (opts.json) return printJson({ approved: r.approved, unchanged: r.unchanged, mail });
        console.log(
          r.approved.length === 0
            ? 'Nothing approved.'
            : `Approved ${r.approved.length}: ${r.approved.join(', ')}. Mail: ${mail.sent} sent, ${mail.failed} failed, ${mail.retrying} retrying.`,
        );
        for (const u of r.unchanged) console.log(`  ${u.number}: ${u.reason}, left as it was`);
        if (mail.failed + mail.retrying > 0)
          console.log("  See 'npm run mail -- list' for the mail not sent.");
      });
    },
  );

/** The invoice of a number, or a UserError naming it. */
async function invoiceIdOf(db: Db, number: string): Promise<number> {
  const inv = await invoiceByNumber(db, number);
  if (!inv)
    throw new UserError(`There is no invoice ${number}. See 'npm run review -- list --month YYYY-MM'.`);
  return inv.id;
}

program
  .command('hold')
  .argument('<number>', 'invoice number, e.g. INV/2026/11/00042')
  .requiredOption('--reason <text>', 'why it is held (kept in the history)')
  .option('--json', 'print the result as JSON')
  .description('Hold an invoice back with a reason: its mail is not sent until it is approved')
  .action(async (number: string, opts: { reason: string; json?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const id = await invoiceIdOf(database.db, number);
      const r = await refusalsAs(asUserError, () =>
        holdInvoice(database.db, id, opts.reason, cfg.operatorName, new Date()),
      );
      if (opts.json) return printJson({ number: r.number, review_state: 'held' });
      console.log(`${r.number} held; its mail stays back until it is approved.`);
    });
  });

program
  .command('release')
  .argument('<number>', 'invoice number, e.g. INV/2026/11/00042')
  .option('--json', 'print the result as JSON')
  .description('Release a held invoice back to review (its mail goes out when it is approved)')
  .action(async (number: string, opts: { json?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const id = await invoiceIdOf(database.db, number);
      const r = await refusalsAs(asUserError, () =>
        releaseInvoice(database.db, id, cfg.operatorName, new Date()),
      );
      if (opts.json)
        return printJson({ number: r.number, review_state: 'awaiting_review', held_for: r.heldFor });
      console.log(
        `${r.number} released: it awaits approval again (npm run review -- approve --month M ${r.number}).`,
      );
    });
  });
program.addCommand(usersCommand());

await runProgram(program);
