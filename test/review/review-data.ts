import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { sendPendingMail } from '../../src/mail/send-mail.ts';
import { addCustomers, insertMessages } from '../support/fixtures.ts';

export const REVIEW_NOW = new Date('2026-11-27T03:00:00Z');

const SEPT = '2026-09-05T00:00:00+07:00';
const OCT = '2026-10-05T00:00:00+07:00';

/**
 * A month where every flag fires: September invoiced and mailed as usual, October issued in review mode.
 * ALFA, BETA steady · GAMA tripled · DELTA 40 % 'other' · EKA above the quota and the total threshold ·
 * FAJAR sent in September only · GITA parked (sms_otp has no price list) · HANA never sent.
 */
export async function prepareReviewMonth(database: Database, config: Config): Promise<void> {
  const { db } = database;
  await addCustomers(db, ['ALFA', 'BETA', 'GAMA', 'DELTA', 'EKA', 'FAJAR', 'GITA', 'HANA']);
  const add = (customer: string, from: string, count: number, parts = 1, operator = 'telkomsel') =>
    insertMessages(db, { customer, count, parts, operator, from });
  await add('ALFA', SEPT, 1000);
  await add('ALFA', OCT, 1100);
  await add('BETA', SEPT, 2000);
  await add('BETA', OCT, 1900, 1, 'xl');
  await add('GAMA', SEPT, 1000);
  await add('GAMA', OCT, 3000);
  await add('DELTA', SEPT, 1500);
  await add('DELTA', OCT, 900);
  await add('DELTA', OCT, 600, 1, 'other');
  await add('EKA', SEPT, 700, 100);
  await add('EKA', OCT, 800, 100);
  await add('FAJAR', SEPT, 500);
  await add('GITA', SEPT, 400);
  await insertMessages(db, { customer: 'GITA', count: 300, product: 'sms_otp', from: OCT });

  const run = (month: string, issueDate: string, holdMail: boolean) =>
    runInvoiceMonth(database, config, {
      month,
      issueDate,
      dryRun: false,
      actor: 'scheduler',
      holdMail,
      now: REVIEW_NOW,
    });
  await run('2026-09', '2026-10-01', false);
  await sendPendingMail(database, config);
  await run('2026-10', '2026-11-01', true);
}
