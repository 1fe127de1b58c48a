import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { settleByHand } from '../operations/settle-by-hand.ts';
import { isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('settle')
  .description(
    [
      'Month-end settlement from the guarantee deposit (R11; the scheduler runs it early on the 1st).',
      'Every invoice issued in the month before --as-of that still has an amount open is paid from the deposit,',
      'min(open, balance): a ledger deduction and a payment of method deposit. A customer with an amount still',
      'open is suspended (reason unpaid) until it is paid. Running it again deducts nothing more.',
    ].join(' '),
  )
  .option('--as-of <YYYY-MM-DD>', 'settle as of this day (default: today, WIB)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { asOf?: string; json?: boolean }) => {
    const now = new Date();
    const asOf = opts.asOf === undefined ? wibDateOf(now) : isoDateOption(opts.asOf, '--as-of');
    const cfg = config();
    const summary = await withDatabase(cfg, ({ database }) =>
      refusalsAs(
        (m) => new UserError(m),
        () =>
          settleByHand(database, { asOf, now, actor: cfg.operatorName }, () =>
            process.stderr.write('Another settlement is running; waiting for it to finish…\n'),
          ),
      ),
    );
    if (opts.json) {
      printJson(summary);
      return;
    }
    console.log(`Settlement as of ${summary.as_of} of invoices issued in ${summary.invoice_month}:`);
    if (summary.invoices.length === 0) console.log('  no invoice with an amount open.');
    else
      console.log(
        table(
          ['invoice', 'customer', 'open before', 'from deposit', 'still open', 'deposit after', 'status'],
          summary.invoices.map((i) => [
            i.invoice_number,
            i.customer_code,
            formatRupiah(i.open_before),
            i.already_settled ? 'settled before' : formatRupiah(i.deducted),
            formatRupiah(i.open_after),
            formatRupiah(i.balance_after),
            i.status,
          ]),
          new Set([2, 3, 4, 5]),
        ),
      );
    console.log(`\nTaken from deposits now: ${formatRupiah(summary.deducted_total)}`);
    if (summary.suspended.length > 0) console.log(`Suspended (unpaid): ${summary.suspended.join(', ')}`);
    if (summary.held.length > 0) console.log(`On hold by finance, not settled: ${summary.held.join(', ')}`);
  });

await runProgram(program);
