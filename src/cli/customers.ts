import { Command } from 'commander';
import { sql } from 'kysely';
import { ApiKeyError, issueCustomerKey } from '../api/api-keys.ts';
import { setAllowedNetworks } from '../api/customer-ips.ts';
import { refusalsAs } from '../billing/billing-refused.ts';
import { changePlan } from '../billing/prepaid/change-plan.ts';
import { recheckQuota } from '../billing/quota/quota-changed.ts';
import { type ChangeAuthor, changeText } from '../customers/customer-changes.ts';
import { customerHistory } from '../customers/customer-history.ts';
import { parseCustomerInput } from '../customers/customer-input.ts';
import { CustomerFileError, importCustomersCsv, saveCustomers } from '../customers/save-customers.ts';
import { CustomerUpdateRefused, updateCustomer } from '../customers/update-customer.ts';
import type { Db } from '../db/connect.ts';
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
  .option(
    '--update',
    'apply changed rows of existing customers (each change reported old → new, kept in the history)',
  )
  .option('--json', 'print the result as JSON')
  .description(
    'Add the customers of a CSV file; bad rows are reported, good rows load; a second import changes nothing',
  )
  .action(async (file: string, opts: { json?: boolean; update?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      let summary: Awaited<ReturnType<typeof importCustomersCsv>>;
      const who = opts.update ? authorOf(cfg.operatorName, `customers import ${file} --update`) : undefined;
      try {
        summary = await importCustomersCsv(database.db, file, wibDateOf(new Date()), cfg.minimumDeposit, who);
      } catch (error) {
        if (error instanceof CustomerFileError) throw new UserError(error.message);
        throw error;
      }
      if (opts.json) printJson(summary);
      else {
        const updated = opts.update ? `, ${summary.updated} updated` : '';
        console.log(
          `${file}: ${summary.rows} rows, ${summary.added} added${updated}, ${summary.unchanged} unchanged, ${summary.rejected.length} rejected.`,
        );
        for (const w of summary.warnings) console.log(`  note: ${w}`);
        for (const c of summary.changes) console.log(`  row ${c.row} (${c.code}): ${changeText(c)}`);
        for (const r of summary.rejected)
          console.log(`  row ${r.row}${r.code ? ` (${r.code})` : ''}: ${r.reason}`);
      }
      if (summary.rejected.length > 0) process.exitCode = 2;
      await recheckChangedQuotas(database.db, summary.changes);
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
        deposit: (opts.deposit as string | undefined) ?? '',
        plan: opts.plan as string | undefined,
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

function authorOf(actor: string, source: string): ChangeAuthor {
  return { actor, source, at: new Date() };
}

/** R10: a changed quota override is checked at once (a suspension the new quota covers is lifted). */
async function recheckChangedQuotas(
  db: Db,
  changes: ReadonlyArray<{ readonly code: string; readonly field: string }>,
): Promise<void> {
  const codes = [...new Set(changes.filter((c) => c.field === 'quota_override').map((c) => c.code))];
  for (const code of codes) {
    const { id } = await db
      .selectFrom('customers')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const q = await recheckQuota(db, id, new Date());
    if (q?.lifted_now) console.log(`  ${code}: quota suspension lifted (${q.lifted_now}).`);
  }
}

/** `customers update` options: the option, the customer field it sets. Add a field here and in CHANGEABLE_FIELDS. */
const UPDATE_OPTIONS = [
  ['--name <name>', 'name', 'company name as it appears on new invoices'],
  ['--email <email...>', 'email', 'billing email address(es); replaces the list'],
  ['--address <address>', 'address', "billing address ('' clears it)"],
  ['--npwp <npwp>', 'npwp', "tax number (NPWP, 16 digits or the old 15-digit form; '' clears it)"],
  ['--paper-invoice <yes|no>', 'paper_invoice', 'also send a paper invoice by courier'],
  [
    '--quota-override <rupiah>',
    'quota_override',
    "monthly usage quota instead of 2 × deposit ('' clears it)",
  ],
  ['--buyer-document <type>', 'buyer_document', 'R17: TIN, NIK, passport or other'],
  [
    '--buyer-document-number <number>',
    'buyer_document_number',
    'the NPWP (TIN), NIK (16 digits), passport or other ID',
  ],
  ['--nitku <nitku>', 'buyer_nitku', "the buyer's NITKU, 22 digits"],
  ['--country <code>', 'buyer_country', "the buyer's country, ISO 3166 alpha-3 (IDN)"],
] as const;

const update = program
  .command('update')
  .argument('<code>', 'customer code, e.g. ACME')
  .option('--json', 'print the changes as JSON')
  .description(
    'Change a customer: each change is kept in the history (npm run customers -- history CODE); issued invoices keep the buyer they were issued to',
  );
for (const [flags, , help] of UPDATE_OPTIONS) update.option(flags, help);
update.action(async (code: string, opts: Record<string, string | string[] | boolean | undefined>) => {
  const cfg = config();
  const given: Record<string, string> = {};
  for (const [flags, field] of UPDATE_OPTIONS) {
    const key = update.getOptionValueSource(optionKey(flags)) === undefined ? undefined : optionKey(flags);
    if (key === undefined) continue;
    const value = opts[key];
    given[field] = Array.isArray(value) ? value.join(';') : String(value);
  }
  await withDatabase(cfg, async ({ database }) => {
    let result: Awaited<ReturnType<typeof updateCustomer>>;
    try {
      result = await updateCustomer(database.db, code, given, authorOf(cfg.operatorName, 'customers update'));
    } catch (error) {
      if (error instanceof CustomerUpdateRefused) throw new UserError(error.message);
      throw error;
    }
    if (opts.json) printJson({ code: result.code, changes: result.changes });
    else if (result.changes.length === 0)
      console.log(`${code} unchanged: the values given are already stored.`);
    else {
      console.log(`${code} changed:`);
      for (const c of result.changes) console.log(`  ${changeText(c)}`);
    }
    await recheckChangedQuotas(
      database.db,
      result.changes.map((c) => ({ code, field: c.field })),
    );
  });
});

/** '--buyer-document-number <number>' → 'buyerDocumentNumber' (commander's attribute name). */
function optionKey(flags: string): string {
  return flags
    .split(' ')[0]!
    .slice(2)
    .replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

program
  .command('history')
  .argument('<code>', 'customer code')
  .option('--json', 'print as JSON')
  .description("A customer's changes, oldest first: when, who, which field, old → new")
  .action(async (code: string, opts: { json?: boolean }) => {
    await withDatabase(config(), async ({ database }) => {
      const rows = await customerHistory(database.db, code);
      if (rows === null)
        throw new UserError(`No customer with code '${code}'. See 'npm run customers -- list'.`);
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return console.log(`${code} has not been changed since it was added.`);
      console.log(
        table(
          ['changed_at', 'actor', 'source', 'change'],
          rows.map((r) => [
            r.changed_at,
            r.actor,
            r.source,
            changeText({ field: r.field, old: r.old_value, new: r.new_value }),
          ]),
        ),
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
          'c.buyer_document',
          'c.buyer_document_number',
          'c.buyer_nitku',
          'c.buyer_country',
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
            buyer_document: r.buyer_document,
            buyer_document_number: r.buyer_document_number,
            buyer_nitku: r.buyer_nitku,
            buyer_country: r.buyer_country,
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
