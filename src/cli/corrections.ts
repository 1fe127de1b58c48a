import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { refusalsAs } from '../billing/billing-refused.ts';
import { type CorrectionLine, correctionsFor } from '../billing/credit-notes/corrections.ts';
import { createCreditNote, type IssuedCreditNote } from '../billing/credit-notes/issue-credit-note.ts';
import { formatRupiah } from '../domain/money.ts';
import { wibDateOf } from '../domain/period.ts';
import { monthOption, table } from './options.ts';
import { config, printJson, runProgram, UserError, withDatabase } from './run-command.ts';

const REASON = 'Cancel/Reject reports received after the invoice was issued (R2, R16)';

const program = new Command('corrections')
  .description(
    'R16: the messages of a month whose billability changed after its invoice was issued — late Cancel/Reject ' +
      'reports (creditable) and late records (not billed) — per customer, with parts and value at the invoice’s prices.',
  )
  .requiredOption('--month <YYYY-MM>', 'the invoiced month')
  .option('--credit', 'issue credit notes for the late Cancel/Reject parts not yet credited (asks first)')
  .option('--yes', 'with --credit: do not ask')
  .option('--json', 'print the list (and the credit notes issued) as JSON')
  .action(async (opts: { month: string; credit?: boolean; yes?: boolean; json?: boolean }) => {
    const month = monthOption(opts.month);
    const cfg = config();
    await withDatabase(cfg, async ({ database }) => {
      const lines = await correctionsFor(database.db, month);
      if (!opts.json) print(month, lines);
      const todo = toCredit(lines);
      let issued: IssuedCreditNote[] = [];
      if (opts.credit && todo.size > 0) {
        if (!opts.yes) await confirm(todo.size);
        issued = await refusalsAs(
          (m) => new UserError(m),
          () => creditAll(database.db, todo, cfg.operatorName),
        );
        if (!opts.json)
          for (const n of issued)
            console.log(`Issued ${n.number} on ${n.invoiceNumber}: ${formatRupiah(n.total)}.`);
      } else if (opts.credit && !opts.json) console.log('Nothing left to credit.');
      if (opts.json) printJson({ month, corrections: lines, credit_notes: issued });
    });
  });

function print(month: string, lines: ReadonlyArray<CorrectionLine>): void {
  if (lines.length === 0) {
    console.log(`No message of ${month} changed its billability after its invoice was issued.`);
    return;
  }
  const cells = lines.map((l) => [
    l.customer_code,
    l.invoice_number,
    l.kind === 'late_cancel' ? 'late Cancel/Reject' : 'late record (not billed)',
    `${l.product}/${l.operator}`,
    String(l.messages),
    String(l.parts),
    l.value === null ? '—' : formatRupiah(l.value),
    String(l.credited_parts),
  ]);
  console.log(
    table(
      ['customer', 'invoice', 'what', 'line', 'messages', 'parts', 'value', 'credited'],
      cells,
      new Set([4, 5, 6, 7]),
    ),
  );
}

/** Per invoice: the late Cancel/Reject parts of each line not credited yet. */
function toCredit(
  lines: ReadonlyArray<CorrectionLine>,
): Map<number, Array<{ product: string; operator: string; parts: number }>> {
  const todo = new Map<number, Array<{ product: string; operator: string; parts: number }>>();
  for (const l of lines) {
    const parts = l.parts - l.credited_parts;
    if (l.kind !== 'late_cancel' || l.unit_price === null || parts <= 0) continue;
    const list = todo.get(l.invoice_id) ?? [];
    list.push({ product: l.product, operator: l.operator, parts });
    todo.set(l.invoice_id, list);
  }
  return todo;
}

async function confirm(count: number): Promise<void> {
  if (!process.stdin.isTTY) {
    throw new UserError(
      '--credit asks before it issues credit notes; not on a terminal, add --yes. Nothing was issued.',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    `Issue ${count} credit note(s) for these late Cancel/Reject reports? [y/N] `,
  );
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new UserError('Nothing was issued.', 1);
}

async function creditAll(
  db: Parameters<typeof createCreditNote>[0],
  todo: ReadonlyMap<number, ReadonlyArray<{ product: string; operator: string; parts: number }>>,
  actor: string,
): Promise<IssuedCreditNote[]> {
  const issued: IssuedCreditNote[] = [];
  const creditDate = wibDateOf(new Date());
  for (const [invoiceId, lines] of todo) {
    issued.push(
      await createCreditNote(db, {
        invoiceId,
        creditDate,
        reason: REASON,
        actor,
        request: { kind: 'lines', lines },
        mail: true,
      }),
    );
  }
  return issued;
}

await runProgram(program);
