import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrepaidForfeiture } from '../../../src/billing/prepaid/forfeit.ts';
import { reconcilePrepaidCharges } from '../../../src/billing/prepaid/reconcile-charges.ts';
import { recordTopup } from '../../../src/billing/prepaid/top-up.ts';
import { addDays } from '../../../src/domain/dates.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { customerId, insertMessages } from '../../support/fixtures.ts';
import { addPrepaidCustomers, balanceOf } from './support.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await addPrepaidCustomers(t.db, ['YEAR', 'OLD']);
});
afterAll(async () => t.close());

describe('R15: forfeiture on a fake clock', () => {
  it('R15: one account through a year: a top-up extends masa aktif, a dormant period forfeits, warnings 30 and 7 days before, each once', async () => {
    const id = await customerId(t.db, 'YEAR');
    const events: string[] = [];
    const topups: Record<string, number> = { '2026-01-10': 500_000, '2026-03-01': 100_000 };
    for (let day = '2026-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
      if (topups[day]) {
        const r = await recordTopup(t.db, { customerCode: 'YEAR', amount: topups[day]!, date: day });
        events.push(`${day} topup expires ${r.expires_on}`);
      }
      if (day === '2026-02-01') {
        // 10 one-part messages sent and ingested that day: the last billable message is 1 February.
        await insertMessages(t.db, { customer: 'YEAR', count: 10, from: '2026-02-01T09:00:00+07:00' });
        await reconcilePrepaidCharges(t.pool, null);
      }
      const run = await runPrepaidForfeiture(t.db, day);
      for (const w of run.warned) events.push(`${day} warn ${w.days_before} days before ${w.forfeit_on}`);
      for (const f of run.forfeited) events.push(`${day} forfeit ${f.amount} (${f.cause}) on ${f.on}`);
    }
    // The March top-up moves masa aktif to 2027-03-01 and restarts the 6 months: dormant from 1 March → 1 September.
    expect(events).toEqual([
      '2026-01-10 topup expires 2027-01-10',
      '2026-03-01 topup expires 2027-03-01',
      '2026-08-02 warn 30 days before 2026-09-01',
      '2026-08-25 warn 7 days before 2026-09-01',
      // The February messages paid the 500.000 top-up's tier: 340 a part.
      `2026-09-01 forfeit ${600_000 - 10 * 340} (inactivity) on 2026-09-01`,
    ]);
    expect(await balanceOf(t.db, 'YEAR')).toBe(0);
    const mails = await t.db.selectFrom('mail_outbox').select('kind').where('customer_id', '=', id).execute();
    expect(mails.map((m) => m.kind).sort()).toEqual([
      'prepaid_forfeit_warning',
      'prepaid_forfeit_warning',
      'prepaid_forfeited',
      'prepaid_topup',
      'prepaid_topup',
    ]);
  });

  it('R15: at expiry the rest is forfeited, dated the expiry even when the run comes late (catch-up)', async () => {
    await recordTopup(t.db, { customerCode: 'OLD', amount: 200_000, date: '2025-06-15' });
    // Kept busy: a billable message every month up to the expiry, so only the expiry can forfeit it.
    for (let m = 7; m <= 17; m += 1) {
      const month = m > 12 ? `2026-${String(m - 12).padStart(2, '0')}` : `2025-${String(m).padStart(2, '0')}`;
      await insertMessages(t.db, { customer: 'OLD', count: 1, from: `${month}-10T09:00:00+07:00` });
    }
    await reconcilePrepaidCharges(t.pool, null);
    const late = await runPrepaidForfeiture(t.db, '2026-06-20');
    expect(late.forfeited).toEqual([
      { customer_code: 'OLD', amount: 200_000 - 11 * 350, on: '2026-06-15', cause: 'expiry' },
    ]);
    expect((await runPrepaidForfeiture(t.db, '2026-06-21')).forfeited).toEqual([]);
  });
});
