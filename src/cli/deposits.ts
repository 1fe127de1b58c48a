import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { describeBalance, listDeposits } from '../billing/deposit/deposits.ts';
import { topUpDeposit } from '../billing/quota/quota-changed.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { amountOption, isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('deposits').description(
  'Guarantee deposits (R9): an append-only ledger per customer whose balance never goes below zero',
);

program
  .command('add')
  .requiredOption('--customer <CODE>', 'customer code')
  .requiredOption('--amount <rupiah>', 'amount received, whole rupiah (e.g. 5000000 or 5.000.000)')
  .option('--date <YYYY-MM-DD>', 'the day the money arrived (default: today, WIB)')
  .option('--ref <text>', 'bank reference')
  .option('--json', 'print the result as JSON')
  .description(
    'Record money paid into a deposit; a quota suspension the bigger deposit covers is lifted at once',
  )
  .action(async (opts: { customer: string; amount: string; date?: string; ref?: string; json?: boolean }) => {
    const amount = amountOption(opts.amount, '--amount');
    const date = opts.date === undefined ? wibDateOf(new Date()) : isoDateOption(opts.date, '--date');
    await withDatabase(config(), async ({ database }) => {
      // R10: a bigger deposit raises the quota; the step checks it again now.
      const { added, quota: q } = await refusalsAs(
        (m) => new UserError(m),
        () =>
          topUpDeposit(
            database.db,
            { customerCode: opts.customer, amount, date, ref: opts.ref ?? null },
            new Date(),
          ),
      );
      if (opts.json) {
        printJson({
          customer_code: added.customerCode,
          entry_id: added.entryId,
          amount: added.amount,
          balance: added.balanceAfter,
          quota: q?.quota ?? null,
          allowed: q?.allowed ?? null,
          reason: q?.reason ?? null,
          lifted: q?.lifted_now ?? null,
        });
        return;
      }
      console.log(
        `Added ${formatRupiah(added.amount)} to the deposit of ${added.customerCode}; balance ${formatRupiah(added.balanceAfter)}.`,
      );
      if (q?.lifted_now)
        console.log(`Quota suspension lifted (${q.lifted_now}); quota now ${formatRupiah(q.quota)}.`);
      else if (q && !q.allowed) console.log(`${added.customerCode} still may not send (${q.reason}).`);
    });
  });

program
  .command('list')
  .option('--customer <CODE>', 'only this customer, with every ledger entry')
  .option('--json', 'print as JSON: customer_code, balance and entries per customer')
  .description('Deposit balances, and the ledger entries (deposits, deductions for unpaid invoices, refunds)')
  .action(async (opts: { customer?: string; json?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const accounts = await refusalsAs(
        (m) => new UserError(m),
        () => listDeposits(database.db, { customerCode: opts.customer, minimumDeposit: cfg.minimumDeposit }),
      );
      if (opts.json) {
        printJson(accounts);
        return;
      }
      if (accounts.length === 0) {
        console.log("No customers yet. Add them with 'npm run customers -- import FILE.csv'.");
        return;
      }
      if (opts.customer === undefined) {
        console.log(
          table(
            ['customer', 'status', 'balance', 'entries'],
            accounts.map((a) => [
              a.customer_code,
              a.status,
              describeBalance(a, cfg.minimumDeposit),
              String(a.entries.length),
            ]),
            new Set([3]),
          ),
        );
        return;
      }
      const a = accounts[0]!;
      console.log(
        `${a.customer_code} (${a.customer_name}), ${a.status}: ${describeBalance(a, cfg.minimumDeposit)}\n`,
      );
      console.log(
        table(
          ['date', 'kind', 'amount', 'balance', 'invoice', 'ref'],
          a.entries.map((e) => [
            e.entry_date,
            e.kind,
            formatRupiah(e.amount),
            formatRupiah(e.balance_after),
            e.invoice_number ?? '',
            e.ref ?? '',
          ]),
          new Set([2, 3]),
        ),
      );
    });
  });

await runProgram(program);
