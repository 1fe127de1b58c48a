import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { BillingRefused, InvoiceNotFound } from '../billing-refused.ts';
import { parseBankMutations } from './bank-mutation-csv.ts';
import { recordPayment } from './payments.ts';

export type MutationOutcome = 'recorded' | 'duplicate' | 'unmatched' | 'refused';

export interface MutationResult {
  readonly line: number;
  readonly outcome: MutationOutcome;
  readonly date: string;
  readonly amount: Rupiah;
  readonly description: string;
  readonly invoice_number: string | null;
  readonly open_after: Rupiah | null;
  readonly reason: string | null;
}

export interface BankImportSummary {
  readonly file: string;
  readonly rows: number;
  readonly recorded: number;
  readonly duplicates: number;
  readonly unmatched: number;
  readonly refused: number;
  readonly results: ReadonlyArray<MutationResult>;
}

/**
 * R12: records the credit rows of a bank-mutation CSV as transfers, each row on its own (a refused row never
 * stops the others). A row names its invoice in the description; rows naming none, several or an unknown one
 * are reported as unmatched — never guessed. The description is kept as the payment's reference, so importing
 * the same export again records nothing twice (identical rows of one file are told apart by '#2', '#3', …).
 */
export async function importBankMutations(db: Db, file: string, actor: string): Promise<BankImportSummary> {
  const mutations = parseBankMutations(await readFile(file, 'utf8'), path.basename(file));
  const seen = new Map<string, number>();
  const results: MutationResult[] = [];
  for (const m of mutations) {
    const base = { line: m.line, date: m.date, amount: m.amount, description: m.description };
    if (m.problem !== null || m.invoiceNumber === null) {
      results.push({
        ...base,
        outcome: 'unmatched',
        invoice_number: m.invoiceNumber,
        open_after: null,
        reason: m.problem,
      });
      continue;
    }
    const key = `${m.date}|${m.amount}|${m.description}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const ref = occurrence === 1 ? m.description : `${m.description} #${occurrence}`;
    try {
      const paid = await recordPayment(db, {
        invoiceNumber: m.invoiceNumber,
        amount: m.amount,
        date: m.date,
        ref,
        actor,
      });
      results.push({
        ...base,
        outcome: paid.outcome,
        invoice_number: paid.invoice_number,
        open_after: paid.open_after,
        reason:
          paid.outcome === 'duplicate'
            ? 'already recorded (same invoice, date, amount and description)'
            : null,
      });
    } catch (error) {
      if (!(error instanceof BillingRefused)) throw error;
      const unknown = error instanceof InvoiceNotFound;
      results.push({
        ...base,
        outcome: unknown ? 'unmatched' : 'refused',
        invoice_number: m.invoiceNumber,
        open_after: null,
        reason: error.message,
      });
    }
  }
  const count = (o: MutationOutcome) => results.filter((r) => r.outcome === o).length;
  return {
    file,
    rows: results.length,
    recorded: count('recorded'),
    duplicates: count('duplicate'),
    unmatched: count('unmatched'),
    refused: count('refused'),
    results,
  };
}
