import { Command } from 'commander';
import { accountStatuses } from '../billing/accounts/account-status.ts';
import { closeAccount } from '../billing/accounts/close-account.ts';
import { customerByCode, refusalsAs } from '../billing/billing-refused.ts';
import { closePrepaidAccount } from '../billing/prepaid/close-prepaid.ts';
import { overrideQuota } from '../billing/quota/quota-changed.ts';
import { formatRupiah } from '../domain/money.ts';
import { amountOption, isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const asUserError = (m: string) => new UserError(m);

const program = new Command('accounts').description(
  'Postpaid accounts: may they send (quota, unpaid, closed), quota overrides, closing an account',
);

program
  .command('status')
  .option('--customer <CODE>', 'only this customer')
  .option('--json', 'print as JSON: customer_code, allowed, reason, usage, quota, updated_at, …')
  .description('What the gateway reads from the sending_permission view, for people')
  .action(async (opts: { customer?: string; json?: boolean }) => {
    const rows = await withDatabase(config(), ({ database }) =>
      refusalsAs(asUserError, () => accountStatuses(database.db, opts.customer)),
    );
    if (opts.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      console.log('No postpaid customers.');
      return;
    }
    console.log(
      table(
        ['customer', 'sending', 'usage', 'quota', '%', 'deposit', 'open invoices', 'checked'],
        rows.map((r) => [
          r.customer_code,
          r.allowed ? 'allowed' : `refused (${r.reason})`,
          formatRupiah(r.usage),
          formatRupiah(r.quota),
          r.percent === null ? '-' : r.percent.toFixed(2),
          formatRupiah(r.deposit_balance),
          formatRupiah(r.open_amount),
          r.updated_at ?? 'never',
        ]),
        new Set([2, 3, 4, 5, 6]),
      ),
    );
  });

program
  .command('set-quota')
  .requiredOption('--customer <CODE>', 'customer code')
  .option('--amount <rupiah>', 'monthly usage quota (before PPN) instead of 2 × the deposit')
  .option('--clear', 'remove the override: the quota is 2 × the deposit again')
  .option('--json', 'print the quota check of the customer as JSON')
  .description(
    "Raise (or clear) a customer's quota; a quota suspension the new quota covers is lifted at once",
  )
  .action(async (opts: { customer: string; amount?: string; clear?: boolean; json?: boolean }) => {
    if ((opts.amount === undefined) === (opts.clear === undefined)) {
      throw new UserError('Give either --amount N or --clear.');
    }
    const quota = opts.amount === undefined ? null : amountOption(opts.amount, '--amount');
    const result = await withDatabase(config(), async ({ database }) => {
      return refusalsAs(asUserError, () => overrideQuota(database.db, opts.customer, quota, new Date()));
    });
    if (opts.json) printJson(result);
    else {
      console.log(
        `${result.customer_code}: quota ${formatRupiah(result.quota)}${quota === null ? ' (2 × deposit)' : ' (override)'}, usage ${formatRupiah(result.usage)}; ${result.allowed ? 'may send' : `may not send (${result.reason})`}.`,
      );
      if (result.lifted_now) console.log(`Quota suspension lifted (${result.lifted_now}).`);
    }
  });

program
  .command('close')
  .requiredOption('--customer <CODE>', 'customer code')
  .requiredOption('--date <YYYY-MM-DD>', 'closing date D')
  .option('--out <dir>', 'output folder for the final invoice (default: ./out, or TAGIH_OUT)')
  .option(
    '--forfeit-balance',
    'prepaid (R15): confirm that closing forfeits the balance, which is never refunded',
  )
  .option('--json', 'print the result as JSON')
  .description(
    "Close an account on D (R13); a prepaid account's balance is forfeited, after --forfeit-balance confirms it (R15): final invoice for D's month up to D (issued on D), open invoices settled from the deposit, the rest of the deposit refunded (due D + 7 working days), sending refused",
  )
  .action(
    async (opts: {
      customer: string;
      date: string;
      out?: string;
      json?: boolean;
      forfeitBalance?: boolean;
    }) => {
      const date = isoDateOption(opts.date, '--date');
      const base = config();
      const prepaid = await withDatabase(base, ({ database }) =>
        refusalsAs(asUserError, async () => {
          if ((await customerByCode(database.db, opts.customer)).billing !== 'prepaid') return null;
          const confirmForfeit = opts.forfeitBalance === true;
          return closePrepaidAccount(database.db, {
            customerCode: opts.customer,
            date,
            now: new Date(),
            confirmForfeit,
          });
        }),
      );
      if (prepaid) {
        if (opts.json) return printJson(prepaid);
        return console.log(
          `${prepaid.customer_code} closed on ${date}; prepaid balance forfeited: ${formatRupiah(prepaid.forfeited)}.`,
        );
      }
      const cfg = opts.out ? { ...base, outDir: opts.out } : base;
      const summary = await withDatabase(cfg, ({ database }) =>
        refusalsAs(asUserError, () =>
          closeAccount(database, cfg, {
            customerCode: opts.customer,
            date,
            now: new Date(),
            actor: cfg.operatorName,
            holdMail: cfg.reviewBeforeSending,
          }),
        ),
      );
      if (opts.json) {
        printJson(summary);
        return;
      }
      console.log(`${summary.customer_code} closed on ${summary.closing_date}.`);
      console.log(
        `  final invoice: ${summary.final_invoice_number ?? 'none (no billable usage this month)'}`,
      );
      if (summary.invoices_issued.length > 0)
        console.log(`  invoices issued now: ${summary.invoices_issued.join(', ')}`);
      for (const s of summary.settled)
        console.log(
          `  ${s.invoice_number}: ${formatRupiah(s.deducted)} from the deposit, ${formatRupiah(s.open_after)} still open`,
        );
      if (summary.open_amount > 0)
        console.log(`  still owed after the deposit: ${formatRupiah(summary.open_amount)}`);
      console.log(`  refund: ${formatRupiah(summary.refund_amount)}, due ${summary.refund_due_date}`);
      console.log(`  invoice files: ${cfg.outDir}/${summary.closing_date.slice(0, 7)}/`);
    },
  );

await runProgram(program);
