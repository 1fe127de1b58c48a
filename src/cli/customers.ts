import { Command } from 'commander';
import { sql } from 'kysely';
import { ApiKeyError, issueCustomerKey } from '../api/api-keys.ts';
import { setAllowedNetworks } from '../api/customer-ips.ts';
import { parseCustomerInput } from '../customers/customer-input.ts';
import { CustomerFileError, importCustomersCsv, saveCustomers } from '../customers/save-customers.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('customers').description('Postpaid customers: import, add, list');

program
  .command('import')
  .argument(
    '<file>',
    'CSV with header code,name,email,deposit[,address,npwp,paper_invoice,quota_override,buyer_document,buyer_document_number,buyer_nitku,buyer_country]',
  )
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
  .requiredOption('--deposit <rupiah>', 'guarantee deposit in whole rupiah (R9: at least the minimum)')
  .option('--address <address>', 'billing address')
  .option(
    '--npwp <npwp>',
    'tax number (NPWP, 16 digits or the old 15-digit form); the buyer is then a TIN buyer',
  )
  .option(
    '--buyer-document <type>',
    'R17: how the buyer is identified on the Faktur Pajak: TIN, NIK, passport or other',
  )
  .option('--buyer-document-number <number>', 'the NPWP (TIN), NIK (16 digits), passport or other ID number')
  .option(
    '--nitku <nitku>',
    "the buyer's NITKU, 22 digits (default: the NPWP or NIK followed by 000000, the head office)",
  )
  .option('--country <code>', "the buyer's country, ISO 3166 alpha-3 (default IDN, Indonesia)")
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
        deposit: opts.deposit as string,
        address: opts.address as string | undefined,
        npwp: opts.npwp as string | undefined,
        paper_invoice: opts.paperInvoice ? 'yes' : 'no',
        quota_override: opts.quotaOverride as string | undefined,
        buyer_document: opts.buyerDocument as string | undefined,
        buyer_document_number: opts.buyerDocumentNumber as string | undefined,
        buyer_nitku: opts.nitku as string | undefined,
        buyer_country: opts.country as string | undefined,
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
          'c.buyer_document',
          'c.buyer_document_number',
          'c.buyer_nitku',
          'c.buyer_country',
          'b.balance',
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
            buyer_document: r.buyer_document,
            buyer_document_number: r.buyer_document_number,
            buyer_nitku: r.buyer_nitku,
            buyer_country: r.buyer_country,
            deposit_balance: r.balance,
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
          ['code', 'name', 'email', 'deposit', 'status', 'messages'],
          rows.map((r) => [
            r.code,
            r.name,
            r.emails.join(', '),
            formatRupiah(r.balance),
            r.status,
            String(r.messages),
          ]),
          new Set([3, 5]),
        ),
      );
    });
  });

// Issue 13: the customer's key for POST /v1/balance, and its optional IP allow-list.
program
  .command('apikey')
  .argument('<code>', 'customer code')
  .option('--json', 'print as JSON')
  .description("Issue the customer's API key for the balance check (shown once; replaces its earlier key)")
  .action(async (code: string, opts: { json?: boolean }) => {
    const issued = await withDatabase(config(), async ({ database }) => {
      try {
        return await issueCustomerKey(database.db, code);
      } catch (error) {
        if (error instanceof ApiKeyError) throw new UserError(error.message);
        throw error;
      }
    });
    if (opts.json) printJson({ code, key: issued.key, prefix: issued.prefix });
    else {
      console.log(`API key of ${code}:\n\n  ${issued.key}\n`);
      console.log(
        'It is shown only now (only its hash is kept); any earlier key of this customer is revoked.',
      );
    }
  });

program
  .command('api-ips')
  .argument('<code>', 'customer code')
  .argument('[networks...]', 'IP addresses or networks, e.g. 203.0.113.7 203.0.113.0/24')
  .option('--clear', 'remove the allow-list: any address may ask')
  .option('--json', 'print as JSON')
  .description("Set the addresses the customer's balance check may come from (others get global status 40)")
  .action(async (code: string, networks: string[], opts: { clear?: boolean; json?: boolean }) => {
    if (networks.length === 0 && !opts.clear)
      throw new UserError('Name at least one address or network, or use --clear to allow any address.');
    if (networks.length > 0 && opts.clear) throw new UserError('--clear takes no addresses.');
    const list = await withDatabase(config(), async ({ database }) => {
      try {
        return await setAllowedNetworks(database.db, code, networks);
      } catch (error) {
        if (error instanceof ApiKeyError) throw new UserError(error.message);
        throw error;
      }
    });
    if (opts.json) printJson({ code, networks: list });
    else
      console.log(
        list.length === 0
          ? `${code}: no allow-list; the balance check is answered from any address.`
          : `${code}: the balance check is answered only from ${list.join(', ')}.`,
      );
  });

await runProgram(program);
