import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { listRefunds, markRefundPaid } from '../billing/deposit/refunds.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('refunds').description(
  'Deposit refunds of closed accounts (R13): due within 7 working days of the closing date',
);

program
  .command('list')
  .option('--unpaid', 'only refunds not paid yet')
  .option('--json', 'print as JSON')
  .description('Refunds, unpaid first by due date')
  .action(async (opts: { unpaid?: boolean; json?: boolean }) => {
    const today = wibDateOf(new Date());
    const rows = await withDatabase(config(), ({ database }) =>
      listRefunds(database.db, { today, unpaidOnly: opts.unpaid ?? false }),
    );
    if (opts.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      console.log('No refunds.');
      return;
    }
    console.log(
      table(
        ['customer', 'amount', 'closed on', 'due', 'paid on', 'ref'],
        rows.map((r) => [
          r.customer_code,
          formatRupiah(r.amount),
          r.closing_date,
          r.overdue ? `${r.due_date} OVERDUE` : r.due_date,
          r.paid_on ?? '',
          r.ref ?? '',
        ]),
        new Set([1]),
      ),
    );
  });

program
  .command('mark-paid')
  .requiredOption('--customer <CODE>', 'the closed customer')
  .option('--date <YYYY-MM-DD>', 'the day the refund was transferred (default: today, WIB)')
  .option('--ref <text>', 'bank reference of the transfer')
  .option('--json', 'print the refund as JSON')
  .description('Record that the refund was transferred to the customer')
  .action(async (opts: { customer: string; date?: string; ref?: string; json?: boolean }) => {
    const date = opts.date === undefined ? wibDateOf(new Date()) : isoDateOption(opts.date, '--date');
    const row = await withDatabase(config(), ({ database }) =>
      refusalsAs(
        (m) => new UserError(m),
        () => markRefundPaid(database.db, { customerCode: opts.customer, date, ref: opts.ref ?? null }),
      ),
    );
    if (opts.json) printJson(row);
    else
      console.log(
        `Refund of ${formatRupiah(row.amount)} to ${row.customer_code} marked paid on ${row.paid_on}${row.paid_on! > row.due_date ? ` (after its due date ${row.due_date})` : ''}.`,
      );
  });

await runProgram(program);
