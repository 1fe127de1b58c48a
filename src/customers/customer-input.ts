import { parseEmailList } from '../domain/email-address.ts';
import { formatRupiah, parseRupiah } from '../domain/money.ts';
import type { BuyerTaxIdentity } from '../domain/tax-ids.ts';
import { BUYER_TAX_COLUMNS, parseBuyerTaxColumns, sameBuyerTax } from './buyer-tax-input.ts';

/** A customer as finance enters it (CSV row or `customers add`), validated. */
export interface CustomerInput {
  readonly code: string;
  readonly name: string;
  readonly emails: ReadonlyArray<string>;
  readonly deposit: number;
  readonly address: string | null;
  readonly npwp: string | null;
  readonly paperInvoice: boolean;
  readonly quotaOverride: number | null;
  /** R17: how the buyer is identified on a Faktur Pajak; absent or null when not entered. */
  readonly taxIdentity?: BuyerTaxIdentity | null;
  /** R15: 'prepaid' tops up a balance and holds no guarantee deposit; 'postpaid' (the default) is invoiced monthly. */
  readonly plan?: Plan;
}

export type Plan = 'postpaid' | 'prepaid';
export const PLANS: ReadonlyArray<Plan> = ['postpaid', 'prepaid'];

export const REQUIRED_COLUMNS = ['code', 'name', 'email', 'deposit'] as const;
export const OPTIONAL_COLUMNS = [
  'address',
  'npwp',
  'paper_invoice',
  'quota_override',
  ...BUYER_TAX_COLUMNS,
  'plan',
] as const;

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

function yesNo(raw: string | undefined): boolean | null {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '') return false;
  if (['1', 'true', 'yes', 'y', 'ya'].includes(v)) return true;
  if (['0', 'false', 'no', 'n', 'tidak'].includes(v)) return false;
  return null;
}

/** Checks one row; returns the customer or the reasons it cannot be loaded. */
export function parseCustomerInput(
  row: Readonly<Record<string, string | undefined>>,
  minimumDeposit: number,
):
  | { readonly ok: true; readonly customer: CustomerInput }
  | { readonly ok: false; readonly reasons: ReadonlyArray<string> } {
  const reasons: string[] = [];
  const code = (row.code ?? '').trim();
  if (code === '') reasons.push('code is missing');
  else if (!CODE.test(code))
    reasons.push(`code '${code}' may hold only letters, digits, '.', '_' and '-' (at most 32)`);
  const name = (row.name ?? '').replace(/\s+/g, ' ').trim();
  if (name === '') reasons.push('name is missing');
  const email = parseEmailList(row.email ?? '');
  if (!email.ok) reasons.push(...email.problems);
  const emails = email.ok ? email.emails : [];
  const plan = ((row.plan ?? '').trim().toLowerCase() || 'postpaid') as Plan;
  if (!PLANS.includes(plan)) reasons.push(`plan '${row.plan}' must be postpaid or prepaid`);
  // R15: a prepaid customer needs no guarantee deposit (and holds none: its money is the top-up balance).
  const depositText = (row.deposit ?? '').trim();
  const deposit = plan === 'prepaid' && depositText === '' ? 0 : parseRupiah(depositText);
  if (deposit === null)
    reasons.push(`deposit '${row.deposit ?? ''}' is not a whole rupiah amount (e.g. 10000000)`);
  else if (plan === 'prepaid') {
    if (deposit !== 0)
      reasons.push(
        'a prepaid customer holds no guarantee deposit (R15): leave deposit empty and record a top-up',
      );
  } else if (deposit < minimumDeposit) {
    reasons.push(
      `deposit ${formatRupiah(deposit)} is below the minimum guarantee deposit of ${formatRupiah(minimumDeposit)} (R9)`,
    );
  }
  const paper = yesNo(row.paper_invoice);
  if (paper === null) reasons.push(`paper_invoice '${row.paper_invoice}' must be yes or no`);
  let quotaOverride: number | null = null;
  if ((row.quota_override ?? '').trim() !== '') {
    quotaOverride = parseRupiah((row.quota_override ?? '').trim());
    if (quotaOverride === null)
      reasons.push(`quota_override '${row.quota_override}' is not a whole rupiah amount`);
  }
  const tax = parseBuyerTaxColumns(row);
  if (!tax.ok) reasons.push(...tax.reasons);
  if (reasons.length > 0 || !tax.ok) return { ok: false, reasons };
  return {
    ok: true,
    customer: {
      code,
      name,
      emails,
      deposit: deposit!,
      address: (row.address ?? '').trim() || null,
      npwp: (row.npwp ?? '').trim() || null,
      paperInvoice: paper!,
      quotaOverride,
      taxIdentity: tax.identity,
      plan,
    },
  };
}

/** Names the fields in which two versions of a customer differ. */
export function differences(a: CustomerInput, b: CustomerInput): ReadonlyArray<string> {
  const out: string[] = [];
  if (a.name !== b.name) out.push('name');
  if (a.emails.join(';') !== b.emails.join(';')) out.push('email');
  if (a.deposit !== b.deposit) out.push('deposit');
  if (a.address !== b.address) out.push('address');
  if (a.npwp !== b.npwp) out.push('npwp');
  if (a.paperInvoice !== b.paperInvoice) out.push('paper_invoice');
  if (a.quotaOverride !== b.quotaOverride) out.push('quota_override');
  if (!sameBuyerTax(a.taxIdentity, b.taxIdentity)) out.push('buyer tax identity');
  if ((a.plan ?? 'postpaid') !== (b.plan ?? 'postpaid')) out.push('plan');
  return out;
}
