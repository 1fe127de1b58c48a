import { Command } from 'commander';
import { InvoiceNotFound, refusalsAs } from '../billing/billing-refused.ts';
import { type CreditRequest, createCreditNote } from '../billing/credit-notes/issue-credit-note.ts';
import { listCreditNotes, showCreditNote } from '../billing/credit-notes/list-credit-notes.ts';
import type { LineRequest } from '../domain/credit-note.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { amountOption, isoDateOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const program = new Command('credit-notes').description(
  'Credit notes (Nota Kredit, R16): an issued invoice is never edited; a correction is a credit note against it. ' +
    'It first reduces what is open on the invoice; the rest becomes customer credit, used by the next invoice.',
);

const LINE = /^([a-z][a-z0-9_]*)\/([a-z]+)(?:=(\d+))?$/;

/** 'whatsapp_otp/telkomsel' (the whole line) or 'whatsapp_otp/telkomsel=120' (120 parts at its unit price). */
function linesOption(value: string): ReadonlyArray<LineRequest> {
  return value.split(',').map((item) => {
    const m = LINE.exec(item.trim());
    if (!m) {
      throw new UserError(
        `--lines: '${item}' is not PRODUCT/OPERATOR or PRODUCT/OPERATOR=PARTS, e.g. whatsapp_otp/telkomsel=120.`,
      );
    }
    return m[3] === undefined
      ? { product: m[1]!, operator: m[2]! }
      : { product: m[1]!, operator: m[2]!, parts: Number(m[3]) };
  });
}

function requestOf(opts: { lines?: string; amount?: string }): CreditRequest {
  if ((opts.lines === undefined) === (opts.amount === undefined)) {
    throw new UserError('Give either --lines or --amount (one of them, not both).');
  }
  if (opts.lines !== undefined) return { kind: 'lines', lines: linesOption(opts.lines) };
  return { kind: 'amount', subtotal: amountOption(opts.amount!, '--amount') };
}

interface CreateOptions {
  invoice: string;
  lines?: string;
  amount?: string;
  reason: string;
  date?: string;
  json?: boolean;
}

program
  .command('create')
  .requiredOption('--invoice <NO>', 'the invoice to correct, e.g. INV/2026/11/00042')
  .option('--lines <list>', 'lines to credit: PRODUCT/OPERATOR[=PARTS],… (parts at the invoice’s unit price)')
  .option('--amount <rupiah>', 'an amount to credit, whole rupiah before PPN (PPN is added by R6)')
  .requiredOption('--reason <text>', 'why (printed on the credit note)')
  .option('--date <YYYY-MM-DD>', 'credit note date (default: today, WIB)')
  .option('--json', 'print the credit note as JSON')
  .description('Issue a credit note against an invoice; its PDF goes to the customer by the outbox mail')
  .action(async (opts: CreateOptions) => {
    const request = requestOf(opts);
    const reason = opts.reason.replace(/\s+/g, ' ').trim();
    if (reason.length < 3)
      throw new UserError('--reason needs a few words (it is printed on the credit note).');
    const creditDate = opts.date === undefined ? wibDateOf(new Date()) : isoDateOption(opts.date, '--date');
    const cfg = config();
    const note = await withDatabase(cfg, ({ database }) =>
      refusalsAs(
        (m) => new UserError(m),
        async () => {
          const invoice = await database.db
            .selectFrom('invoices')
            .select('id')
            .where('number', '=', opts.invoice)
            .executeTakeFirst();
          if (!invoice) throw new InvoiceNotFound(opts.invoice);
          return createCreditNote(database.db, {
            invoiceId: invoice.id,
            creditDate,
            reason,
            actor: cfg.operatorName,
            request,
            mail: true,
          });
        },
      ),
    );
    if (opts.json) {
      printJson(note);
      return;
    }
    console.log(
      `Issued ${note.number} against ${note.invoiceNumber} (${note.customerCode}): ${formatRupiah(note.subtotal)} + PPN ${formatRupiah(note.tax)} = ${formatRupiah(note.total)}.`,
    );
    console.log(
      `${formatRupiah(note.reducedOpen)} off the invoice's open amount, ${formatRupiah(note.toCredit)} to customer credit. Its mail is queued ('npm run mail -- send').`,
    );
  });

program
  .command('list')
  .option('--invoice <NO>', 'only the credit notes of this invoice')
  .option('--customer <CODE>', 'only this customer’s')
  .option('--json', 'print as JSON')
  .description('List credit notes in number order')
  .action(async (opts: { invoice?: string; customer?: string; json?: boolean }) => {
    const rows = await withDatabase(config(), ({ database }) =>
      listCreditNotes(database.db, { invoiceNumber: opts.invoice, customerCode: opts.customer }),
    );
    if (opts.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      console.log('No credit notes.');
      return;
    }
    const cells = rows.map((r) => [
      r.number,
      r.credit_date,
      r.invoice_number,
      r.customer_code,
      formatRupiah(r.total),
      formatRupiah(r.to_credit),
      r.reason,
    ]);
    console.log(
      table(
        ['number', 'date', 'invoice', 'customer', 'total', 'to credit', 'reason'],
        cells,
        new Set([4, 5]),
      ),
    );
  });

program
  .command('show')
  .argument('<number>', 'credit note number, e.g. CN/2026/12/00001')
  .option('--json', 'print as JSON')
  .description('Show one credit note with its lines')
  .action(async (number: string, opts: { json?: boolean }) => {
    const note = await withDatabase(config(), ({ database }) =>
      refusalsAs(
        (m) => new UserError(m),
        () => showCreditNote(database.db, number),
      ),
    );
    if (opts.json) {
      printJson(note);
      return;
    }
    console.log(
      `${note.number} (${note.kind}), ${note.credit_date}, against ${note.invoice_number} (${note.customer_code})`,
    );
    console.log(`Reason: ${note.reason}`);
    for (const l of note.lines) {
      const price = l.unit_price === null ? '' : ` × ${formatRupiah(l.unit_price)}`;
      console.log(`  ${l.product}/${l.operator}: ${l.parts} parts${price} = ${formatRupiah(l.amount)}`);
    }
    console.log(
      `Subtotal ${formatRupiah(note.subtotal)}, ${note.tax_label} ${formatRupiah(note.tax)}, total ${formatRupiah(note.total)}`,
    );
    console.log(
      `${formatRupiah(note.reduced_open)} off the open amount, ${formatRupiah(note.to_credit)} to customer credit.`,
    );
  });

await runProgram(program);
