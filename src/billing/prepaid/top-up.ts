// R15: a top-up of a prepaid balance, with its receipt invoice (gapless number, R7; PPN, R6).
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { PrepaidTopupsTable } from '../../db/schema.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { invoiceNumber } from '../../domain/invoice-number.ts';
import { formatRupiah, type Rupiah } from '../../domain/money.ts';
import { expiryAfterTopup, MINIMUM_TOPUP, prepaidPriceFor } from '../../domain/prepaid.ts';
import { dppHundredths, taxFor, taxRuleFor } from '../../domain/tax.ts';
import { queueMail } from '../../mail/outbox.ts';
import { BillingRefused, customerByCode } from '../billing-refused.ts';
import { loadTaxRules } from '../invoicing/reference-data.ts';
import { loadPrepaidAccount } from './prepaid-account.ts';
import { receiptPdfPath } from './prepaid-paths.ts';

export interface TopupInput {
  readonly customerCode: string;
  /** Before PPN: what the balance grows by. */
  readonly amount: Rupiah;
  /** 'YYYY-MM-DD': the top-up and receipt date. */
  readonly date: string;
  /** The bank's reference; with it, the same transfer recorded twice is recognised. */
  readonly ref?: string | null;
}

export interface TopupRecorded {
  readonly outcome: 'recorded' | 'duplicate';
  readonly customer_code: string;
  readonly receipt_number: string;
  readonly topup_date: string;
  readonly amount: Rupiah;
  readonly tax: Rupiah;
  readonly total: Rupiah;
  readonly price_per_part: Rupiah;
  readonly expires_on: string;
  readonly balance_after: Rupiah;
}

function refuseBadInput(input: TopupInput): void {
  if (!isIsoDate(input.date))
    throw new BillingRefused(`Top-up date '${input.date}' is not a date (YYYY-MM-DD).`);
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
    throw new BillingRefused(`A top-up must be a positive whole rupiah amount, got ${input.amount}.`);
  if (input.amount < MINIMUM_TOPUP) {
    throw new BillingRefused(
      `A top-up of ${formatRupiah(input.amount)} is under the minimum of ${formatRupiah(MINIMUM_TOPUP)} (R15); nothing was recorded.`,
    );
  }
}

async function duplicateOf(db: Db, customerId: number, input: TopupInput, ref: string) {
  return db
    .selectFrom('prepaid_topups')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('ref', '=', ref)
    .where('amount', '=', input.amount)
    .where('topup_date', '=', input.date)
    .executeTakeFirst();
}

/** R7: the receipt's number comes from the same locked counter as the invoices: gapless within the year. */
async function nextInvoiceSequence(trx: Db, year: number): Promise<number> {
  const counter = await sql<{ last_number: number }>`
    insert into invoice_counters (year, last_number) values (${year}, 1)
    on conflict (year) do update set last_number = invoice_counters.last_number + 1
    returning last_number`.execute(trx);
  return counter.rows[0]!.last_number;
}

/** R15: the receipt mail, with its PDF. */
async function queueTopupMail(
  trx: Db,
  customer: { readonly id: number; readonly code: string },
  topup: Selectable<PrepaidTopupsTable>,
  balanceAfter: number,
): Promise<void> {
  await queueMail(trx, {
    kind: 'prepaid_topup',
    subjectKey: `topup:${topup.id}`,
    customerId: customer.id,
    payload: {
      receipt_number: topup.number,
      topup_date: topup.topup_date,
      amount: topup.amount,
      tax: topup.tax,
      total: topup.total,
      price_per_part: topup.unit_price,
      expires_on: topup.expires_on,
      balance_after: balanceAfter,
      files: [receiptPdfPath(customer.code, topup.number)],
    },
  });
}

/**
 * R15: records a top-up in one transaction: the receipt (the year's next invoice number, R7, with PPN by the
 * tax rule of the top-up date, R6), the balance growing by the amount, the price per part of this amount's tier
 * from now on, masa aktif max(current, date + 12 months), and the receipt mail.
 */
export async function recordTopup(db: Db, input: TopupInput): Promise<TopupRecorded> {
  refuseBadInput(input);
  const customer = await customerByCode(db, input.customerCode);
  if (customer.billing !== 'prepaid') {
    throw new BillingRefused(
      `${customer.code} is a postpaid account; a top-up is for prepaid accounts only (R15). Record a payment or a deposit instead.`,
    );
  }
  if (customer.status === 'closed')
    throw new BillingRefused(`${customer.code} is closed; no top-up was recorded.`);
  const rule = taxRuleFor(await loadTaxRules(db), input.date);
  if (!rule) throw new BillingRefused(`No tax rule is in force on ${input.date} (R6); add one to tax_rules.`);
  const ref = input.ref?.trim() ? input.ref.trim() : null;
  return db.transaction().execute(async (trx) => {
    const account = await loadPrepaidAccount(trx, customer.id, true);
    if (!account)
      throw new BillingRefused(`${customer.code} has no prepaid account; set its plan to prepaid first.`);
    const seen = ref === null ? undefined : await duplicateOf(trx, customer.id, input, ref);
    if (seen) return summary('duplicate', customer.code, seen, account.balance);
    const tax = taxFor(input.amount, rule);
    const price = prepaidPriceFor(input.amount)!;
    const expiresOn = expiryAfterTopup(account.expiresOn, input.date);
    const year = Number(input.date.slice(0, 4));
    const sequence = await nextInvoiceSequence(trx, year);
    const topup = await trx
      .insertInto('prepaid_topups')
      .values({
        customer_id: customer.id,
        topup_date: input.date,
        amount: input.amount,
        tax,
        total: input.amount + tax,
        tax_label: rule.label,
        dpp_hundredths: dppHundredths(input.amount, rule),
        unit_price: price,
        expires_on: expiresOn,
        number: invoiceNumber(input.date, sequence),
        year,
        sequence,
        ref,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const entry = await trx
      .insertInto('prepaid_ledger')
      .values({
        customer_id: customer.id,
        entry_date: input.date,
        kind: 'topup',
        amount: input.amount,
        topup_id: topup.id,
        ref: topup.number,
      })
      .returning('balance_after')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('prepaid_accounts')
      .set({
        price_per_part: price,
        expires_on: expiresOn,
        last_topup_on: sql`greatest(last_topup_on, ${input.date}::date)`,
      })
      .where('customer_id', '=', customer.id)
      .execute();
    await queueTopupMail(trx, customer, topup, entry.balance_after);
    return summary('recorded', customer.code, topup, entry.balance_after);
  });
}

function summary(
  outcome: TopupRecorded['outcome'],
  code: string,
  t: {
    number: string;
    topup_date: string;
    amount: number;
    tax: number;
    total: number;
    unit_price: number;
    expires_on: string;
  },
  balanceAfter: Rupiah,
): TopupRecorded {
  return {
    outcome,
    customer_code: code,
    receipt_number: t.number,
    topup_date: t.topup_date,
    amount: t.amount,
    tax: t.tax,
    total: t.total,
    price_per_part: t.unit_price,
    expires_on: t.expires_on,
    balance_after: balanceAfter,
  };
}
