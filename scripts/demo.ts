// npm run demo: the main job on the embedded default — demo customers, a month of the gateway's log, that month
// invoiced (register, PDFs, detail CSVs) with its mail waiting for review; the month before invoiced, mailed and
// paid; three prepaid customers (R15) with top-ups, traffic, a forfeiture and statements. Safe to run again:
// nothing is counted twice.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { runInvoiceMonth } from '../src/billing/invoicing/invoice-month.ts';
import { recordPayment } from '../src/billing/payments/payments.ts';
import { importPriceLists } from '../src/billing/price-lists/import-price-lists.ts';
import { runProgram, withDatabase } from '../src/cli/run-command.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { importCustomersCsv } from '../src/customers/save-customers.ts';
import type { Database } from '../src/db/connect.ts';
import { addDays } from '../src/domain/dates.ts';
import { formatRupiah } from '../src/domain/money.ts';
import { firstDayOf, lastFinishedMonth, nextMonth, previousMonth, wibDateOf } from '../src/domain/period.ts';
import { ingestLogs } from '../src/ingest/ingest-log.ts';
import { logSource } from '../src/ingest/read-lines.ts';
import { sendPendingMail } from '../src/mail/send-mail.ts';
import { DEMO_CUSTOMERS } from './demo-customers.ts';
import {
  DEMO_PREPAID_CUSTOMERS,
  demoTopups,
  recordDemoTopups,
  runDemoPrepaidMonth,
  writeDemoPrepaidLog,
} from './demo-prepaid.ts';
import { generateMonthLog, zipfWeights } from './generate-log.ts';

const MESSAGES = Number(process.env.DEMO_MESSAGES ?? 200_000);

/**
 * The month before is paid by bank transfer a week after its invoices (before their due date), so that `npm start`
 * after the demo finds nothing overdue: no settlement from the deposits, no overdue reminders.
 */
async function payMonth(database: Database, period: string, paidOn: string): Promise<number> {
  const open = await database.db
    .selectFrom('invoices')
    .select(['number', 'total', 'paid_amount'])
    .where('period', '=', firstDayOf(period))
    .where('status', 'in', ['issued', 'partially_paid'])
    .execute();
  for (const invoice of open) {
    await recordPayment(database.db, {
      invoiceNumber: invoice.number,
      amount: invoice.total - invoice.paid_amount,
      date: paidOn,
      ref: `demo transfer ${invoice.number}`,
      actor: 'demo',
    });
  }
  return open.length;
}

/** Sends everything queued so far (the sender counts a mail queued in its own millisecond as due). */
function sendQueuedMail(database: Database, config: Config) {
  return sendPendingMail(database, config);
}

async function demo(): Promise<void> {
  const config = loadConfig();
  const now = new Date();
  const month = process.env.DEMO_MONTH ?? lastFinishedMonth(now);
  // Issued on the 1st of the next month, as the scheduler would (or today, if that is earlier).
  const firstOfNext = firstDayOf(nextMonth(month));
  const issueDate = [firstOfNext, wibDateOf(now)].sort()[0]!;
  const demoDir = path.join(config.outDir, 'demo');
  await mkdir(demoDir, { recursive: true });

  const demoStarted = Date.now();
  await withDatabase(config, async ({ database }) => {
    console.log(`tagih demo on ${database.safeUrl}\n`);

    const customersCsv = path.join(demoDir, 'customers.csv');
    await writeFile(
      customersCsv,
      stringify(
        [
          ...DEMO_CUSTOMERS.map((c) => [
            c.code,
            c.name,
            c.email,
            c.deposit,
            c.address,
            c.npwp,
            c.paper ? 'yes' : 'no',
            'postpaid',
          ]),
          // R15: prepaid customers need no guarantee deposit.
          ...DEMO_PREPAID_CUSTOMERS.map((c) => [
            c.code,
            c.name,
            c.email,
            '',
            c.address,
            c.npwp,
            'no',
            'prepaid',
          ]),
        ],
        {
          header: true,
          columns: ['code', 'name', 'email', 'deposit', 'address', 'npwp', 'paper_invoice', 'plan'],
        },
      ),
    );
    const imported = await importCustomersCsv(
      database.db,
      customersCsv,
      wibDateOf(now),
      config.minimumDeposit,
    );
    console.log(
      `1. Customers: ${imported.added} added, ${imported.unchanged} already there (${customersCsv})`,
    );
    for (const r of imported.rejected) console.log(`   customer row ${r.row} (${r.code}): ${r.reason}`);
    // R18: example SMS standard lists (the terms give no SMS prices) and TOKOKITA's graduated contract.
    const prices = await importPriceLists(
      database.db,
      new URL('./demo-price-lists.csv', import.meta.url).pathname,
    );
    console.log(`   Price lists: ${prices.added.length} added, ${prices.unchanged.length} already there`);
    for (const r of prices.rejected) console.log(`   price list row ${r.row}: ${r.reason}`);
    // R15: the top-ups before the month; those of the month come after the month before's statements.
    const earlyTopups = await recordDemoTopups(database, config, month, firstDayOf(month));

    // The month before, already invoiced, so the review page can compare: other customers were the busy ones
    // then, and SALON sent that month but not this one.
    const before = previousMonth(month);
    const beforeLog = path.join(demoDir, `gateway-${before}.jsonl`);
    await generateMonthLog({
      file: beforeLog,
      month: before,
      customers: DEMO_CUSTOMERS.map((c) => c.code),
      weights: zipfWeights(DEMO_CUSTOMERS.length).reverse(),
      messages: Math.round(MESSAGES / 4),
      seed: 20_260_901,
      firstSendingId: 40_000_000,
      badLines: false,
    });
    await ingestLogs(database.pool, [logSource(beforeLog)], { storeMessageText: false });
    const beforeRun = await runInvoiceMonth(database, config, {
      month: before,
      issueDate: firstDayOf(month),
      dryRun: false,
      actor: 'demo',
      holdMail: false,
      now,
    });
    // Sent now (the real clock): the mail was queued after the demo's start, so 'now' would find none due yet.
    const paid = await payMonth(database, before, [addDays(firstDayOf(month), 7), wibDateOf(now)].sort()[0]!);
    // R15: the prepaid job of the month's 1st, as the scheduler ran it: forfeiture warnings, the statements.
    const beforePrepaid = await runDemoPrepaidMonth(database, config, before, firstDayOf(month));
    const topups = earlyTopups + (await recordDemoTopups(database, config, month));
    console.log(
      `   Prepaid (R15): ${DEMO_PREPAID_CUSTOMERS.map((c) => c.code).join(', ')}: ${topups} top-ups recorded now (each with its receipt invoice), ${demoTopups(month).length - topups} already there`,
    );
    const beforeMail = await sendQueuedMail(database, config);
    console.log(
      `2. ${before}, the month before: ${beforeLog} loaded, ${beforeRun.issued.length + beforeRun.alreadyIssued.length} invoices, ${paid} paid now (by transfer, before the due date), ${beforePrepaid.statements.issued.length} prepaid statements, ${beforePrepaid.forfeit.warned.length} forfeiture warnings, ${beforeMail.sent} mails sent (invoices, receipts, prepaid mail)`,
    );

    const log = path.join(demoDir, `gateway-${month}.jsonl`);
    const active = DEMO_CUSTOMERS.filter((c) => c.code !== 'SALON');
    const generated = await generateMonthLog({
      file: log,
      month,
      customers: active.map((c) => c.code),
      weights: zipfWeights(active.length),
      messages: MESSAGES,
      seed: 20_261_001,
      firstSendingId: 50_000_000,
      badLines: true,
    });
    // R15: the prepaid customers' traffic, charged to their balances in the ingest's own transaction.
    const prepaidLog = await writeDemoPrepaidLog(demoDir, month, Math.max(300, Math.round(MESSAGES / 100)));
    const started = Date.now();
    const ingest = await ingestLogs(database.pool, [logSource(log), logSource(prepaidLog)], {
      storeMessageText: false,
      maxListed: 10,
    });
    console.log(
      `3. Gateway log ${log} (and ${path.basename(prepaidLog)}, the prepaid customers'): ${generated.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s — ${ingest.messagesLoaded} messages loaded, ${ingest.duplicates} duplicates, ${ingest.reportsApplied} reports applied, ${ingest.rejected} lines rejected:`,
    );
    for (const r of ingest.rejections) console.log(`     line ${r.line}: ${r.reason}`);

    // The month's mail waits for finance's review, as in production (TAGIH_REVIEW_BEFORE_SENDING).
    const run = await runInvoiceMonth(database, config, {
      month,
      issueDate,
      dryRun: false,
      actor: 'demo',
      holdMail: true,
      now,
    });
    console.log(
      `4. Invoices for ${month} dated ${issueDate}: ${run.issued.length} issued now, ${run.alreadyIssued.length} already issued, ${run.parked.length} parked, ${run.skipped.length} without usage`,
    );
    const all = [...run.issued, ...run.alreadyIssued];
    console.log(
      `   Month total: ${formatRupiah(all.reduce((s, i) => s + i.total, 0))} incl. PPN over ${all.length} invoices`,
    );

    // R15: the prepaid job of the next 1st: SANGGAR, dormant for 6 months, forfeits; the month's statements.
    const prepaid = await runDemoPrepaidMonth(database, config, month, issueDate);
    const prepaidMail = await sendQueuedMail(database, config);
    for (const f of prepaid.forfeit.forfeited)
      console.log(
        `   Prepaid: ${f.customer_code} forfeited ${formatRupiah(f.amount)} on ${f.on} (${f.cause === 'inactivity' ? 'no message for 6 months' : 'masa aktif ended'})`,
      );
    console.log(
      `   Prepaid statements for ${month}: ${prepaid.statements.issued.length} issued now, ${prepaid.statements.already} already; ${prepaidMail.sent} prepaid mails sent`,
    );
    // R15 deducts a message when it is ingested: the month's log, ingested today, is today's usage.
    console.log(
      `   The prepaid traffic of ${month} was charged today, when ingested (R15): it is in the balances now and in the statement of ${wibDateOf(now).slice(0, 7)}`,
    );

    const where = config.smtpUrl
      ? 'sent through SMTP'
      : `written as .eml files into ${path.join(config.outDir, 'outbox')}`;
    console.log(
      `5. Mail: the ${all.length} invoice mails of ${month} wait for review (held); nothing of ${month} is mailed until approved`,
    );

    console.log(`\nLook at:
  billing register   ${run.register}
  PDFs and details   ${run.folder}
  print pack         ${run.printPack ? run.printPack.pdf : '(no paper customers)'}
  mails (.eml)       ${path.join(config.outDir, 'outbox')} (the month before's, and the prepaid mail)
  prepaid            ${path.join(config.outDir, 'prepaid')} (receipts, LAPORAN SALDO PDF + CSV per account and month)

Next: review and approve ${month}:
  npm run review -- --month ${month}
  open the page it prints, check the flags and PDFs (the Prabayar tab: top-ups, forfeitures, statements), then
  Approve (one invoice or all): the approved mail is
  ${where}. Then 'npm start' runs the schedule; the month before is paid, so it sends no reminders.

Demo done in ${((Date.now() - demoStarted) / 1000).toFixed(0)} s.`);
  });
}

const program = new Command('demo')
  .description(
    [
      'Load 20 demo customers and two months of generated gateway traffic into the embedded PostgreSQL (or',
      'DATABASE_URL), invoice both months, mail and pay the month before, and leave the last finished month',
      'waiting for review. Three prepaid customers get top-ups, traffic, statements, and one a forfeiture.',
      "DEMO_MESSAGES (default 200000) sets the month's messages, DEMO_MONTH the month.",
      'Safe to run again: nothing is counted twice.',
    ].join(' '),
  )
  .action(demo);

await runProgram(program);
