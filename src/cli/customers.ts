import { Command } from 'commander';
import { sql } from 'kysely';
import { refusalsAs } from '../billing/billing-refused.ts';
import { changePlan } from '../billing/prepaid/change-plan.ts';
import { parseCustomerInput } from '../customers/customer-input.ts';
import { CustomerFileError, importCustomersCsv, saveCustomers } from '../customers/save-customers.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('customers').description('Postpaid customers: import, add, list');

program
  .command('import')
  .argument('<file>', 'CSV with header code,name,email,deposit[,address,npwp,paper_invoice,quota_override]')
  .option('--json', 'print the result as JSON')
  .description(
    'Add the customers of a CSV file; bad rows are reported, good rows load; a second import changes nothing',
  )
  .action(async (file: string, opts: { json?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      let summary: Awaited<ReturnType<typeof importCustomersCsv>>;
      try {
        summary = await importCustomersCsv(database.db, file, wibDateOf(new Date()), cfg.minimumDeposit);
      } catch (error) {
        if (error instanceof CustomerFileError) throw new UserError(error.message);
        throw error;
      }
      if (opts.json) printJson(summary);
      else {
        console.log(
          `${file}: ${summary.rows} rows, ${summary.added} added, ${summary.unchanged} unchanged, ${summary.rejected.length} rejected.`,
        );
        for (const w of summary.warnings) console.log(`  note: ${w}`);
        for (const r of summary.rejected)
          console.log(`  row ${r.row}${r.code ? ` (${r.code})` : ''}: ${r.reason}`);
      }
      if (summary.rejected.length > 0) process.exitCode = 2;
    });
  });

program
  .command('add')
  .requiredOption('--code <code>', 'customer code, e.g. ACME')
  .requiredOption('--name <name>', 'company name as it appears on the invoice')
  .requiredOption('--email <email...>', 'billing email address(es)')
  .option(
    '--deposit <rupiah>',
    'guarantee deposit in whole rupiah (R9: at least the minimum; none for prepaid)',
  )
  .option('--plan <plan>', 'postpaid (default) or prepaid (R15: a top-up balance, no guarantee deposit)')
  .option('--address <address>', 'billing address')
  .option('--npwp <npwp>', 'tax number (NPWP)')
  .option('--paper-invoice', 'also send a paper invoice by courier')
  .option('--quota-override <rupiah>', 'monthly usage quota instead of 2 × deposit')
  .option('--json', 'print the result as JSON')
  .description('Add one customer and open its deposit ledger')
  .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
    const cfg = config();
    const parsed = parseCustomerInput(
      {
        code: opts.code as string,
        name: opts.name as string,
        email: (opts.email as string[]).join(';'),
        deposit: (opts.deposit as string | undefined) ?? '',
        plan: opts.plan as string | undefined,
        address: opts.address as string | undefined,
        npwp: opts.npwp as string | undefined,
        paper_invoice: opts.paperInvoice ? 'yes' : 'no',
        quota_override: opts.quotaOverride as string | undefined,
      },
      cfg.minimumDeposit,
    );
    if (!parsed.ok) throw new UserError(`Customer not added: ${parsed.reasons.join('; ')}.`);
    await withDatabase(cfg, async ({ database }) => {
      const saved = await saveCustomers(
        database.db,
        [{ row: 1, customer: parsed.customer }],
        wibDateOf(new Date()),
        'opening deposit',
      );
      if (saved.rejected.length > 0) throw new UserError(saved.rejected[0]!.reason, 2);
      if (opts.json) printJson({ code: parsed.customer.code, added: saved.added === 1 });
      else
        console.log(
          saved.added === 1
            ? `Added ${parsed.customer.code}.`
            : `${parsed.customer.code} already exists, unchanged.`,
        );
    });
  });

program
  .command('plan')
  .argument('<code>', 'customer code')
  .argument('<plan>', 'postpaid or prepaid')
  .description('Change the plan of a customer (R15); a prepaid account is opened with no balance')
  .action(async (code: string, plan: string) => {
    if (plan !== 'postpaid' && plan !== 'prepaid')
      throw new UserError(`Plan '${plan}' must be postpaid or prepaid.`);
    await withDatabase(config(), async ({ database }) => {
      const changed = await refusalsAs(
        (m) => new UserError(m),
        () => changePlan(database.db, code, plan),
      );
      console.log(changed ? `${code} is now ${plan}.` : `${code} is already ${plan}; nothing changed.`);
    });
  });

program
  .command('list')
  .option('--json', 'print as JSON')
  .description('All customers with their deposit balance and status')
  .action(async (opts: { json?: boolean }) => {
    await withDatabase(config(), async ({ database }) => {
      const rows = await database.db
        .selectFrom('customers as c')
        .innerJoin('deposit_balances as b', 'b.customer_id', 'c.id')
        .select([
          'c.code',
          'c.name',
          'c.emails',
          'c.address',
          'c.npwp',
          'c.paper_invoice',
          'c.quota_override',
          'c.status',
          'c.billing',
          'b.balance',
          sql<number | null>`(select p.balance from prepaid_balances p where p.customer_id = c.id)`.as(
            'prepaid_balance',
          ),
          sql<
            string | null
          >`(select to_char(a.expires_on, 'YYYY-MM-DD') from prepaid_accounts a where a.customer_id = c.id)`.as(
            'expires_on',
          ),
          sql<number>`(select count(*) from messages m where m.customer_id = c.id)::bigint`.as('messages'),
        ])
        .orderBy('c.code')
        .execute();
      if (opts.json) {
        printJson(
          rows.map((r) => ({
            code: r.code,
            name: r.name,
            emails: r.emails,
            address: r.address,
            npwp: r.npwp,
            paper_invoice: r.paper_invoice,
            quota_override: r.quota_override,
            status: r.status,
            plan: r.billing,
            deposit_balance: r.balance,
            prepaid_balance: r.prepaid_balance,
            expires_on: r.expires_on,
            messages: r.messages,
          })),
        );
        return;
      }
      if (rows.length === 0) {
        console.log("No customers yet. Add them with 'npm run customers -- import FILE.csv'.");
        return;
      }
      console.log(
        table(
          ['code', 'name', 'email', 'plan', 'deposit / balance', 'valid until', 'status', 'messages'],
          rows.map((r) => [
            r.code,
            r.name,
            r.emails.join(', '),
            r.billing,
            formatRupiah(r.billing === 'prepaid' ? (r.prepaid_balance ?? 0) : r.balance),
            r.expires_on ?? '',
            r.status,
            String(r.messages),
          ]),
          new Set([4, 7]),
        ),
      );
    });
  });

await runProgram(program);
