// R15 in the demo: three prepaid customers, their top-ups at three tiers, a month of their traffic, the forfeiture
// of the one that never sent, and the month's statements — all through the code the scheduler and CLI run.
import path from 'node:path';
import { runPrepaidForfeiture } from '../src/billing/prepaid/forfeit.ts';
import { writeReceiptPdf } from '../src/billing/prepaid/receipt-file.ts';
import { issueStatements } from '../src/billing/prepaid/statements.ts';
import { recordTopup } from '../src/billing/prepaid/top-up.ts';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { addDays } from '../src/domain/dates.ts';
import { firstDayOf, previousMonth } from '../src/domain/period.ts';
import { addMonths } from '../src/domain/prepaid.ts';
import { generateMonthLog } from './generate-log.ts';

/** Three fictional prepaid customers (R15: no guarantee deposit). SANGGAR topped up once and never sent. */
export const DEMO_PREPAID_CUSTOMERS = [
  {
    code: 'WARUNGKU',
    name: 'CV Warungku Digital',
    email: 'kasir@warungku.example.id',
    address: 'Jl. Malioboro No. 21, Yogyakarta 55271',
    npwp: '31.456.789.0-541.000',
  },
  {
    code: 'KSPMAJU',
    name: 'Koperasi Simpan Pinjam Maju Bersama',
    email: 'bendahara@kspmaju.example.id',
    address: 'Jl. Ahmad Yani No. 45, Medan 20111',
    npwp: '32.567.890.1-121.000',
  },
  {
    code: 'SANGGAR',
    name: 'Sanggar Tari Lestari',
    email: 'admin@sanggarlestari.example.id',
    address: 'Jl. Hayam Wuruk No. 8, Denpasar 80233',
    npwp: '33.678.901.2-901.000',
  },
] as const;

/**
 * The top-ups, dated around `month` (R15's tiers: 350, 340 and 320 a part after them). SANGGAR's only top-up is
 * six months before the month's 10th: with no message since, its balance is forfeited on that day (inactivity).
 */
export function demoTopups(month: string) {
  const first = firstDayOf(month);
  const before = firstDayOf(previousMonth(month));
  return [
    { customerCode: 'SANGGAR', amount: 250_000, date: addMonths(addDays(first, 9), -6) },
    { customerCode: 'KSPMAJU', amount: 10_000_000, date: addDays(before, 2) },
    { customerCode: 'WARUNGKU', amount: 300_000, date: addDays(before, 14) },
    { customerCode: 'WARUNGKU', amount: 1_500_000, date: addDays(first, 4) },
  ].map((t) => ({ ...t, ref: `demo transfer ${t.customerCode} ${t.date}` }));
}

/**
 * Records the demo's top-ups dated before `until` (exclusive) or all of them, once each (the bank reference makes a
 * rerun find them), and writes their receipts.
 */
export async function recordDemoTopups(database: Database, config: Config, month: string, until?: string) {
  let recorded = 0;
  for (const input of demoTopups(month)) {
    if (until !== undefined && input.date >= until) continue;
    const topup = await recordTopup(database.db, input);
    if (topup.outcome === 'duplicate') continue;
    await writeReceiptPdf(database.db, config, topup.receipt_number);
    recorded += 1;
  }
  return recorded;
}

/** The month's traffic of the two prepaid customers that send: a log file of its own beside the postpaid one. */
export async function writeDemoPrepaidLog(dir: string, month: string, messages: number): Promise<string> {
  const file = path.join(dir, `gateway-prepaid-${month}.jsonl`);
  await generateMonthLog({
    file,
    month,
    customers: ['KSPMAJU', 'WARUNGKU'],
    weights: [2, 1],
    messages,
    seed: 20_261_015,
    firstSendingId: 60_000_000,
    badLines: false,
  });
  return file;
}

/**
 * The daily prepaid job as of `today` (forfeitures booked on the day each was due), then the month's statements:
 * the same two calls as the scheduler's prepaid job, each a no-op when run again.
 */
export async function runDemoPrepaidMonth(database: Database, config: Config, month: string, today: string) {
  const forfeit = await runPrepaidForfeiture(database.db, today);
  const statements = await issueStatements(database, config, month);
  return { forfeit, statements };
}
