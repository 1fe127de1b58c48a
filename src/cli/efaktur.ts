import path from 'node:path';
import { Command } from 'commander';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { checkEfaktur } from '../efaktur/check-efaktur.ts';
import { exportEfaktur } from '../efaktur/export-efaktur.ts';
import { FakturNumberFileError, importFakturNumbers } from '../efaktur/import-faktur-numbers.ts';
import {
  FAKTUR_TEMPLATE_FROM,
  FakturPdfError,
  type FakturPdfs,
  rerenderFakturPdfs,
} from '../efaktur/rerender-faktur-pdfs.ts';
import { monthOption } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('efaktur').description(
  'Tax invoices (Faktur Pajak, R17): check the month, export the Coretax XML, import the faktur numbers back',
);

const DEMO_SELLER =
  'note: TAGIH_SELLER_NPWP is the demo default (all zeros); set the real NPWP and NITKU before uploading to Coretax.';

program
  .command('check')
  .requiredOption('--month <YYYY-MM>', 'billing month, e.g. 2026-10')
  .option('--json', 'print the result as JSON')
  .description('List the customers whose tax data is incomplete, and what is missing, before the export')
  .action(async (opts: { month: string; json?: boolean }) => {
    const month = monthOption(opts.month);
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const result = await checkEfaktur(database.db, month, wibDateOf(new Date()));
      const incomplete = result.customers.length + result.invoiceProblems.length > 0;
      if (opts.json) printJson({ ...result, sellerIsDemo: cfg.seller.isDemo });
      else {
        console.log(
          `${month}: ${result.invoices} invoice(s) to export, ${result.alreadyExported} already exported; ${result.customers.length} customer(s) with incomplete tax data.`,
        );
        for (const c of result.customers) {
          console.log(`  ${c.code} (${c.name}), ${c.invoices.length} invoice(s):`);
          for (const m of c.missing) console.log(`    ${m.field}: ${m.message}`);
        }
        if (result.customers.length > 0) {
          console.log(
            "  Complete them with 'npm run customers -- import FILE.csv' (columns buyer_document, buyer_document_number, buyer_nitku, buyer_country) and check again.",
          );
        }
        for (const p of result.invoiceProblems) {
          for (const x of p.problems) console.log(`  invoice ${p.invoice}: ${x.field}: ${x.message}`);
        }
        if (cfg.seller.isDemo) console.log(DEMO_SELLER);
      }
      if (incomplete) process.exitCode = 2;
    });
  });

program
  .command('export')
  .requiredOption('--month <YYYY-MM>', 'billing month, e.g. 2026-10')
  .option('--out <dir>', 'output folder (default: ./out, or TAGIH_OUT)')
  .option('--again', 'export again the invoices already in an earlier file')
  .option('--json', 'print the result as JSON')
  .description(
    'Write <out>/<month>/efaktur/coretax-<month>-NNN.xml, 1 000 invoices a file, for upload to Coretax',
  )
  .action(async (opts: { month: string; out?: string; again?: boolean; json?: boolean }) => {
    const month = monthOption(opts.month);
    const cfg = config();
    const outDir = opts.out ? path.resolve(opts.out) : cfg.outDir;
    await withDatabase(cfg, async ({ database }) => {
      const summary = await exportEfaktur(database.db, database.pool, {
        month,
        outDir,
        again: opts.again === true,
        today: wibDateOf(new Date()),
        seller: cfg.seller,
      });
      if (opts.json) printJson(summary);
      else printExport(summary, cfg.seller.isDemo);
      if (summary.refused.length > 0) process.exitCode = 2;
    });
  });

function printExport(s: Awaited<ReturnType<typeof exportEfaktur>>, demo: boolean): void {
  console.log(
    `${s.month}: ${s.exported} invoice(s) exported in ${s.files.length} file(s), ${s.refused.length} refused, ${s.alreadyExported} already exported earlier${s.alreadyExported > 0 ? ' (--again exports them again)' : ''}.`,
  );
  for (const f of s.files) {
    console.log(
      `  ${f.file}: ${f.invoices} invoice(s), PPN ${formatRupiah(f.vat)}, masa pajak ${f.taxPeriods.join(', ')}`,
    );
  }
  for (const r of s.refused) {
    for (const p of r.problems)
      console.log(`  refused ${r.invoice} (${r.customer}): ${p.field}: ${p.message}`);
  }
  for (const n of s.voidedAfterExport) {
    console.log(`  ${n} was exported earlier and is void now: cancel its faktur in Coretax (Batal) by hand.`);
  }
  if (s.refused.length > 0)
    console.log('  Fix what is named and run the export again: only what is not yet exported goes.');
  printCreditNotes(s.creditNotes);
  if (demo) console.log(DEMO_SELLER);
}

/** R16/R17: Coretax imports no seller's correction: each credit note is listed with its manual step. */
function printCreditNotes(c: Awaited<ReturnType<typeof exportEfaktur>>['creditNotes']): void {
  if (c.file === null) return;
  console.log(
    `${c.corrections.length} credit note(s) of the month: Coretax has no XML import for them; do each step by hand (listed in ${c.file}):`,
  );
  for (const n of c.corrections) {
    console.log(
      `  ${n.creditNote} corrects ${n.invoice} (${n.customer}), faktur ${n.fakturNumber ?? 'not imported'}: credited ${formatRupiah(n.subtotal)}, DPP ${n.dpp === null ? '—' : formatRupiah(n.dpp)}, PPN ${formatRupiah(n.ppn)}.`,
    );
    console.log(`    ${n.instruction}`);
  }
}

program
  .command('import-numbers')
  .argument(
    '<file>',
    "Coretax's export of the output tax invoices (CSV), or a CSV reference,tax_invoice_number,date",
  )
  .option('--json', 'print the result as JSON')
  .description(
    'Store the faktur number Coretax gave each invoice; unmatched rows are reported; a second import changes nothing',
  )
  .action(async (file: string, opts: { json?: boolean }) => {
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      let result: Awaited<ReturnType<typeof importFakturNumbers>>;
      // R17: the PDFs of the invoices that got a number are re-rendered in the import's transaction.
      let pdfs: FakturPdfs = { rerendered: [], keptAsIssued: [], undo: async () => {} };
      try {
        result = await importFakturNumbers(database.db, file, {
          onStored: async (trx, ids) => {
            pdfs = await rerenderFakturPdfs(trx, cfg, ids);
          },
        });
      } catch (error) {
        await pdfs.undo();
        if (error instanceof FakturNumberFileError || error instanceof FakturPdfError)
          throw new UserError(error.message);
        throw error;
      }
      const { undo: _, ...pdfSummary } = pdfs;
      if (opts.json) printJson({ ...result, pdfs: pdfSummary });
      else printImport(file, result, pdfs);
      if (result.unmatched.length + result.refused.length > 0) process.exitCode = 2;
    });
  });

function printImport(
  file: string,
  result: Awaited<ReturnType<typeof importFakturNumbers>>,
  pdfs: FakturPdfs,
): void {
  console.log(
    `${file} (${result.form} form): ${result.rows} row(s), ${result.stored} stored, ${result.unchanged} unchanged, ${result.unmatched.length} unmatched, ${result.refused.length} refused.`,
  );
  for (const u of result.unmatched) console.log(`  row ${u.row} (${u.reference}): unmatched: ${u.reason}`);
  for (const r of result.refused)
    console.log(`  row ${r.row}${r.reference ? ` (${r.reference})` : ''}: ${r.reason}`);
  console.log(`${pdfs.rerendered.length} PDF(s) re-rendered with No. Faktur Pajak.`);
  if (pdfs.keptAsIssued.length > 0) {
    const versions = [...new Set(pdfs.keptAsIssued.map((k) => k.templateVersion))].join(', ');
    console.log(
      `${pdfs.keptAsIssued.length} PDF(s) kept as issued: template version ${versions} has no No. Faktur Pajak field (version ${FAKTUR_TEMPLATE_FROM} on has); the number is stored and shown on the review page.`,
    );
  }
}

await runProgram(program);
