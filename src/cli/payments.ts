import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { BankFileError } from '../billing/payments/bank-mutation-csv.ts';
import { importBankMutations } from '../billing/payments/import-bank-mutations.ts';
import { listPayments, recordPayment } from '../billing/payments/payments.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { amountOption, isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const OVERPAYMENT =
  'An overpayment is refused (nothing is recorded): tagih keeps no credit, so record at most the open amount and return or reassign the rest.';

const program = new Command('payments').description(
  `Payments of invoices (R12): bank transfers by hand or from a bank-mutation CSV, partial payments included. ${OVERPAYMENT}`,
);

program
  .command('record')
  .requiredOption('--invoice <NO>', 'invoice number, e.g. INV/2026/11/00042')
  .requiredOption('--amount <rupiah>', 'amount received, whole rupiah')
  .option('--date <YYYY-MM-DD>', 'the day the money arrived (default: today, WIB)')
  .option('--ref <text>', 'bank reference (the same transfer with the same reference is recorded once)')
  .option('--json', 'print the result as JSON')
  .description(`Record one transfer. ${OVERPAYMENT} Paying in full lifts an 'unpaid' suspension.`)
  .action(async (opts: { invoice: string; amount: string; date?: string; ref?: string; json?: boolean }) => {
    const amount = amountOption(opts.amount, '--amount');
    const date = opts.date === undefined ? wibDateOf(new Date()) : isoDateOption(opts.date, '--date');
    const cfg = config();
    const paid = await withDatabase(cfg, ({ database }) =>
      refusalsAs(
        (m) => new UserError(m),
        () =>
          recordPayment(database.db, {
            invoiceNumber: opts.invoice,
            amount,
            date,
            ref: opts.ref ?? null,
            actor: cfg.operatorName,
          }),
      ),
    );
    if (opts.json) {
      printJson(paid);
      return;
    }
    if (paid.outcome === 'duplicate') {
      console.log(`This transfer was already recorded on ${paid.invoice_number}; nothing changed.`);
      return;
    }
    console.log(
      `Recorded ${formatRupiah(paid.amount)} on ${paid.invoice_number} (${paid.customer_code}), paid ${paid.paid_on}: ${paid.status}, ${formatRupiah(paid.open_after)} still open.`,
    );
    if (paid.unsuspended)
      console.log(`${paid.customer_code} may send again: its 'unpaid' suspension is lifted.`);
  });

program
  .command('import')
  .argument(
    '<file>',
    'bank-mutation CSV: columns date, amount and description (or tanggal, jumlah, keterangan)',
  )
  .option('--json', 'print every row with its outcome as JSON')
  .description(
    `Record the credits of a bank-mutation export. A row must name exactly one invoice (INV/YYYY/MM/NNNNN) in its description; other rows are reported as unmatched, never guessed. ${OVERPAYMENT} Importing the same file again records nothing twice.`,
  )
  .action(async (file: string, opts: { json?: boolean }) => {
    if (!existsSync(file)) throw new UserError(`No such file: ${file}. Nothing was recorded.`);
    const cfg = config();
    const summary = await withDatabase(cfg, async ({ database }) => {
      try {
        return await importBankMutations(database.db, file, cfg.operatorName);
      } catch (error) {
        if (error instanceof BankFileError) throw new UserError(error.message);
        throw error;
      }
    });
    if (opts.json) printJson(summary);
    else {
      console.log(
        `${file}: ${summary.rows} credit row(s): ${summary.recorded} recorded, ${summary.duplicates} already recorded, ${summary.unmatched} unmatched, ${summary.refused} refused.`,
      );
      for (const r of summary.results.filter((x) => x.outcome === 'unmatched' || x.outcome === 'refused')) {
        console.log(
          `  line ${r.line} (${r.date} ${formatRupiah(r.amount)} '${r.description}'): ${r.outcome}: ${r.reason}`,
        );
      }
      if (summary.unmatched + summary.refused > 0)
        console.log(
          "\nRecord those by hand with 'npm run payments -- record --invoice NO --amount N --date D'.",
        );
    }
    if (summary.unmatched + summary.refused > 0) process.exitCode = 2;
  });

program
  .command('list')
  .option('--customer <CODE>', 'only this customer')
  .option('--invoice <NO>', 'only this invoice')
  .option('--json', 'print as JSON')
  .description('Payments, newest first: transfers and settlements from the deposit')
  .action(async (opts: { customer?: string; invoice?: string; json?: boolean }) => {
    const rows = await withDatabase(config(), ({ database }) =>
      listPayments(database.db, { customerCode: opts.customer, invoiceNumber: opts.invoice }),
    );
    if (opts.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      console.log('No payments recorded.');
      return;
    }
    console.log(
      table(
        ['paid on', 'invoice', 'customer', 'method', 'amount', 'still open', 'invoice status', 'ref'],
        rows.map((r) => [
          r.paid_on,
          r.invoice_number,
          r.customer_code,
          r.method,
          formatRupiah(r.amount),
          formatRupiah(r.invoice_open),
          r.invoice_status,
          r.ref ?? '',
        ]),
        new Set([4, 5]),
      ),
    );
  });

await runProgram(program);
