import { Command } from 'commander';
import { importPriceLists, PriceFileError } from '../billing/price-lists/import-price-lists.ts';
import { listPriceLists, retirePriceList, showPriceList } from '../billing/price-lists/price-list-queries.ts';
import { formatRupiah } from '../domain/money.ts';
import { isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('prices').description('Price lists (R18): import, list, show, retire');

program
  .command('import')
  .argument('<file>', 'CSV with header product,customer,mode,effective_from,operator,min_parts,unit_price')
  .option('--json', 'print the result as JSON')
  .description(
    'Add the price lists of a CSV file, all or none; importing the same file again changes nothing',
  )
  .action(async (file: string, opts: { json?: boolean }) => {
    await withDatabase(config(), async ({ database }) => {
      let s: Awaited<ReturnType<typeof importPriceLists>>;
      try {
        s = await importPriceLists(database.db, file);
      } catch (error) {
        if (error instanceof PriceFileError) throw new UserError(error.message);
        throw error;
      }
      if (opts.json) printJson(s);
      else if (s.rejected.length > 0) {
        console.log(`${file}: nothing imported, ${s.rejected.length} problem(s):`);
        for (const r of s.rejected) console.log(`  row ${r.row}: ${r.reason}`);
      } else {
        console.log(`${file}: ${s.lists} list(s), ${s.added.length} added, ${s.unchanged.length} unchanged.`);
        for (const l of s.added) console.log(`  added ${l.id}: ${l.name}`);
      }
      if (s.rejected.length > 0) process.exitCode = 2;
    });
  });

program
  .command('list')
  .option('--product <product>', 'only this product, e.g. sms_otp')
  .option('--customer <code>', 'only the contract lists of this customer')
  .option('--at <date>', 'only the lists in force on this day (YYYY-MM-DD)')
  .option('--json', 'print the lists as JSON')
  .description('List the price lists, standard and contract')
  .action(async (opts: { product?: string; customer?: string; at?: string; json?: boolean }) => {
    if (opts.at !== undefined) isoDateOption(opts.at, '--at');
    await withDatabase(config(), async ({ database }) => {
      const lists = await listPriceLists(database.db, opts);
      if (opts.json) return printJson(lists);
      if (lists.length === 0) return console.log('No price lists match.');
      const rows = lists.map((l) => [
        String(l.id),
        l.product,
        l.customer ?? '(standard)',
        l.mode,
        l.effectiveFrom,
        String(l.tiers),
        l.retired ? 'retired' : '',
        l.name,
      ]);
      console.log(
        table(['id', 'product', 'customer', 'mode', 'from', 'tiers', 'state', 'name'], rows, new Set([0, 5])),
      );
    });
  });

program
  .command('show')
  .argument('<id>', 'price list id (see list)')
  .option('--json', 'print the list as JSON')
  .description('Show one price list with its tiers')
  .action(async (id: string, opts: { json?: boolean }) => {
    await withDatabase(config(), async ({ database }) => {
      const list = await showPriceList(database.db, listId(id));
      if (list === null) throw new UserError(`There is no price list ${id}; see 'npm run prices -- list'.`);
      if (opts.json) return printJson(list);
      console.log(`${list.id} ${list.name}${list.retired ? ' (retired)' : ''}`);
      console.log(
        `  product ${list.product}, customer ${list.customer ?? '(standard)'}, mode ${list.mode}, from ${list.effectiveFrom}`,
      );
      const rows = list.tiers.map((t) => [String(t.minParts), t.operator, formatRupiah(t.unitPrice)]);
      console.log(table(['from parts', 'operator', 'price a part'], rows, new Set([0, 2])));
    });
  });

program
  .command('retire')
  .argument('<id>', 'price list id (see list)')
  .description('Retire a price list that no issued invoice used')
  .action(async (id: string) => {
    await withDatabase(config(), async ({ database }) => {
      const r = await retirePriceList(database.db, listId(id));
      if (!r.ok) throw new UserError(r.reason, 2);
      console.log(`Price list ${id} (${r.name}) retired.`);
    });
  });

function listId(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new UserError(`'${text}' is not a price list id; expected a number from 'npm run prices -- list'.`);
  return n;
}

await runProgram(program);
