import type { Db } from '../db/connect.ts';
import { type FakturProblem, fakturProblemsOf, missingBuyerData } from '../domain/faktur-checks.ts';
import { firstDayOf, type YearMonth } from '../domain/period.ts';
import { loadEfakturMonth } from './load-efaktur-month.ts';

export interface EfakturCheck {
  readonly month: YearMonth;
  readonly invoices: number;
  readonly alreadyExported: number;
  /** Customers whose tax data is incomplete, with what is missing and the invoices waiting on them. */
  readonly customers: ReadonlyArray<{
    readonly code: string;
    readonly name: string;
    readonly missing: ReadonlyArray<FakturProblem>;
    readonly invoices: ReadonlyArray<string>;
  }>;
  /** Invoices refused for another reason than the customer's data (date, amounts). */
  readonly invoiceProblems: ReadonlyArray<{
    readonly invoice: string;
    readonly problems: ReadonlyArray<FakturProblem>;
  }>;
}

/** `efaktur check`: what stops the month's invoices (not yet exported) from going into a Coretax XML. */
export async function checkEfaktur(db: Db, month: YearMonth, today: string): Promise<EfakturCheck> {
  const all = await loadEfakturMonth(db, firstDayOf(month));
  const pending = all.filter((inv) => !inv.exported);
  const customers = new Map<
    string,
    { code: string; name: string; missing: ReadonlyArray<FakturProblem>; invoices: string[] }
  >();
  const invoiceProblems: Array<{ invoice: string; problems: ReadonlyArray<FakturProblem> }> = [];
  for (const inv of pending) {
    const missing = missingBuyerData(inv.buyer, inv.buyerAddress);
    if (missing.length > 0) {
      const entry = customers.get(inv.customerCode) ?? {
        code: inv.customerCode,
        name: inv.buyerName,
        missing,
        invoices: [],
      };
      entry.invoices.push(inv.number);
      customers.set(inv.customerCode, entry);
    }
    const buyerFields = new Set(missing.map((m) => m.field));
    const others = fakturProblemsOf({ ...inv, lineAmounts: inv.lines.map((l) => l.amount) }, today).filter(
      (p) => !buyerFields.has(p.field),
    );
    if (others.length > 0) invoiceProblems.push({ invoice: inv.number, problems: others });
  }
  return {
    month,
    invoices: pending.length,
    alreadyExported: all.length - pending.length,
    customers: [...customers.values()].sort((a, b) => a.code.localeCompare(b.code)),
    invoiceProblems,
  };
}
