import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { BankFileError } from '../billing/payments/bank-mutation-csv.ts';
import { importTopups } from '../billing/prepaid/import-topups.ts';
import { listTopups } from '../billing/prepaid/list-topups.ts';
import { writeReceiptPdf } from '../billing/prepaid/receipt-file.ts';
import { issueStatements } from '../billing/prepaid/statements.ts';
import { recordTopup } from '../billing/prepaid/top-up.ts';
import { formatRupiah } from '../domain/money.ts';
import { lastFinishedMonth, wibDateOf } from '../domain/period.ts';
import { amountOption, isoDateOption, monthOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('topups').description(
  'Top-ups of prepaid balances (R15): at least Rp 100.000 before PPN; each gets a receipt invoice (PDF, mailed), sets the price per part by its tier and extends masa aktif to 12 months from its date.',
);

program
  .command('add')
  .requiredOption('--customer <CODE>', 'prepaid customer code')
  .requiredOption('--amount <rupiah>', 'the top-up before PPN, whole rupiah (the customer pays it + PPN)')
  .option('--date <YYYY-MM-DD>', 'the day the money arrived (default: today, WIB)')
  .option('--ref <text>', 'bank reference (the same transfer with the same reference is recorded once)')
  .option('--json', 'print the result as JSON')
  .description('Record one top-up and issue its receipt')
  .action(async (opts: { customer: string; amount: string; date?: string; ref?: string; json?: boolean }) => {
    const amount = amountOption(opts.amount, '--amount');
    const date = opts.date === undefined ? wibDateOf(new Date()) : isoDateOption(opts.date, '--date');
    const cfg = config();
    const topup = await withDatabase(cfg, async ({ database }) => {
      const t = await refusalsAs(
        (m) => new UserError(m),
        () => recordTopup(database.db, { customerCode: opts.customer, amount, date, ref: opts.ref ?? null }),
      );
      return { ...t, pdf: await writeReceiptPdf(database.db, cfg, t.receipt_number) };
    });
    if (opts.json) return printJson(topup);
    if (topup.outcome === 'duplicate') {
      console.log(`This top-up was already recorded as ${topup.receipt_number}; nothing changed.`);
      return;
    }
    console.log(
      `Recorded top-up ${topup.receipt_number} for ${topup.customer_code}: ${formatRupiah(topup.amount)} + PPN ${formatRupiah(topup.tax)} = ${formatRupiah(topup.total)}. Balance ${formatRupiah(topup.balance_after)}, ${formatRupiah(topup.price_per_part)} a part, valid until ${topup.expires_on}. Receipt: ${topup.pdf}`,
    );
  });

program
  .command('list')
  .option('--customer <CODE>', 'only this customer')
  .option('--json', 'print as JSON')
  .description('The top-ups recorded, newest first')
  .action(async (opts: { customer?: string; json?: boolean }) => {
    const rows = await withDatabase(config(), ({ database }) => listTopups(database.db, opts.customer));
    if (opts.json) return printJson(rows);
    if (rows.length === 0) return console.log("No top-ups yet. Record one with 'npm run topups -- add'.");
    console.log(
      table(
        ['receipt', 'customer', 'date', 'amount', 'ppn', 'total', 'per part', 'valid until'],
        rows.map((r) => [
          r.receipt_number,
          r.customer_code,
          r.topup_date,
          formatRupiah(r.amount),
          formatRupiah(r.tax),
          formatRupiah(r.total),
          formatRupiah(r.price_per_part),
          r.expires_on,
        ]),
        new Set([3, 4, 5, 6]),
      ),
    );
  });

program
  .command('import')
  .argument(
    '<file>',
    "bank-mutation CSV (as for payments); top-up rows say 'TOPUP <code>' in the description",
  )
  .option('--json', 'print every row with its outcome as JSON')
  .description(
    "Record the top-ups of a bank-mutation export: a row whose description says 'TOPUP <code>' is that account's top-up, its amount the transfer less PPN; other rows are skipped. Importing the same file again records nothing twice.",
  )
  .action(async (file: string, opts: { json?: boolean }) => {
    if (!existsSync(file)) throw new UserError(`No such file: ${file}. Nothing was recorded.`);
    const cfg = config();
    const results = await withDatabase(cfg, async ({ database }) => {
      try {
        const rows = await importTopups(database.db, file);
        for (const r of rows)
          if (r.outcome === 'recorded') await writeReceiptPdf(database.db, cfg, r.receipt_number!);
        return rows;
      } catch (error) {
        if (error instanceof BankFileError) throw new UserError(error.message);
        throw error;
      }
    });
    if (opts.json) printJson(results);
    else {
      const count = (o: string) => results.filter((r) => r.outcome === o).length;
      console.log(
        `${file}: ${count('recorded')} top-ups recorded, ${count('duplicate')} already recorded, ${count('refused')} refused, ${count('skipped')} other rows skipped.`,
      );
      for (const r of results.filter((x) => x.outcome === 'refused'))
        console.log(`  line ${r.line}${r.customer_code ? ` (${r.customer_code})` : ''}: ${r.reason}`);
    }
    if (results.some((r) => r.outcome === 'refused')) process.exitCode = 2;
  });

program
  .command('statements')
  .option('--month <YYYY-MM>', 'the month (default: the last finished one)')
  .option('--json', 'print the result as JSON')
  .description(
    'Write and mail the LAPORAN SALDO (PDF + detail CSV) of every prepaid account with activity or a balance in the month; the scheduler does this on the 1st. Once per account and month.',
  )
  .action(async (opts: { month?: string; json?: boolean }) => {
    const month = opts.month === undefined ? lastFinishedMonth(new Date()) : monthOption(opts.month);
    const cfg = config();
    const summary = await withDatabase(cfg, ({ database }) => issueStatements(database, cfg, month));
    if (opts.json) return printJson(summary);
    console.log(
      `${month}: ${summary.issued.length} statements written and queued, ${summary.already} already sent.`,
    );
    for (const s of summary.issued)
      console.log(`  ${s.customer_code}: closing ${formatRupiah(s.closing)} – ${s.pdf}`);
  });

await runProgram(program);
