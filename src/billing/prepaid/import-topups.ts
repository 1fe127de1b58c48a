// R15: top-ups from a bank-mutation CSV (the same reader as payments, R12).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/connect.ts';
import type { Rupiah } from '../../domain/money.ts';
import { taxFor, taxRuleFor } from '../../domain/tax.ts';
import { BillingRefused } from '../billing-refused.ts';
import { loadTaxRules } from '../invoicing/reference-data.ts';
import { parseBankMutations } from '../payments/bank-mutation-csv.ts';
import { recordTopup } from './top-up.ts';

export interface TopupRowResult {
  readonly line: number;
  readonly outcome: 'recorded' | 'duplicate' | 'skipped' | 'refused';
  readonly date: string;
  /** What the bank received: the top-up plus its PPN. */
  readonly paid: Rupiah;
  readonly customer_code: string | null;
  readonly receipt_number: string | null;
  readonly reason: string | null;
}

// A top-up transfer names its account: 'TOPUP ACME', 'TOP UP ACME', 'top-up acme'.
const TOPUP = /TOP[\s_-]?UP[\s:#-]*([A-Za-z0-9][A-Za-z0-9_.-]{0,31})/i;

/** R15/R6: the top-up whose amount + PPN is what the customer paid, or null when no whole amount fits. */
export function topupAmountOf(paid: Rupiah, rule: Parameters<typeof taxFor>[1]): Rupiah | null {
  const guess = Math.floor(
    (paid * rule.dppDenominator * 100) / (rule.dppDenominator * 100 + rule.dppNumerator * rule.ratePercent),
  );
  for (let amount = guess - 2; amount <= guess + 2; amount += 1) {
    if (amount > 0 && amount + taxFor(amount, rule) === paid) return amount;
  }
  return null;
}

/**
 * Records the credit rows whose description says 'TOPUP <customer code>' as top-ups of that account; every other
 * row is skipped (it is an invoice payment, for 'payments import'). A row is refused on its own, never stopping the
 * others; importing the same file again records nothing twice (the description is the top-up's reference).
 */
export async function importTopups(db: Db, file: string): Promise<ReadonlyArray<TopupRowResult>> {
  const mutations = parseBankMutations(await readFile(file, 'utf8'), path.basename(file));
  const rules = await loadTaxRules(db);
  const results: TopupRowResult[] = [];
  for (const m of mutations) {
    const base = { line: m.line, date: m.date, paid: m.amount, receipt_number: null };
    const code = TOPUP.exec(m.description)?.[1] ?? null;
    if (code === null || m.date === '' || m.amount <= 0) {
      const reason = code === null ? 'not a top-up (no "TOPUP <code>" in the description)' : m.problem;
      results.push({ ...base, outcome: 'skipped', customer_code: code, reason });
      continue;
    }
    const rule = taxRuleFor(rules, m.date);
    const amount = rule ? topupAmountOf(m.amount, rule) : null;
    if (amount === null) {
      const reason = `${m.amount} is not a top-up plus its PPN on ${m.date}; record it by hand with 'topups add'`;
      results.push({ ...base, outcome: 'refused', customer_code: code, reason });
      continue;
    }
    try {
      const t = await recordTopup(db, { customerCode: code, amount, date: m.date, ref: m.description });
      results.push({
        ...base,
        outcome: t.outcome,
        customer_code: t.customer_code,
        receipt_number: t.receipt_number,
        reason: null,
      });
    } catch (error) {
      if (!(error instanceof BillingRefused)) throw error;
      results.push({ ...base, outcome: 'refused', customer_code: code, reason: error.message });
    }
  }
  return results;
}
