// Table types of the migrated schema (migrations/). Written once by hand; keep in step with migrations.
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type { DeliveryStatus, SendingStatus } from '../domain/delivery-status.ts';
import type { Operator } from '../domain/numbers.ts';

/** A products.code: products are data (a table, checked by foreign keys), so any plain word the table holds. */
export type ProductCode = string;

/** int8: a safe-integer number (see the type parser in connect.ts). */
type Int8 = ColumnType<number, number | string, number | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** date: 'YYYY-MM-DD'. */
type DateText = ColumnType<string, string, string>;
type Json = ColumnType<unknown, string, string>;

export interface OperatorsTable {
  id: string;
  name: string;
}
export interface OperatorPrefixesTable {
  prefix: string;
  operator: Operator;
}
/** Issue 13: bumped by every change to what the ingest's parse context holds (ParseContextCache). One row. */
export interface IngestContextVersionTable {
  only_row: Generated<boolean>;
  version: number;
}
export interface ProductsTable {
  code: string;
  name: string;
}
export interface CustomersTable {
  id: GeneratedAlways<number>;
  code: string;
  name: string;
  emails: string[];
  address: string | null;
  npwp: string | null;
  paper_invoice: Generated<boolean>;
  quota_override: Int8 | null;
  billing: Generated<'postpaid' | 'prepaid'>;
  status: Generated<'active' | 'closed'>;
  closed_on: DateText | null;
  created_at: DefaultTimestamp;
  /** R17: how the buyer is identified on a Faktur Pajak (null: not entered yet). */
  buyer_document: 'TIN' | 'NIK' | 'passport' | 'other' | null;
  buyer_document_number: string | null;
  buyer_nitku: string | null;
  buyer_country: Generated<string>;
}
export interface PriceListsTable {
  id: GeneratedAlways<number>;
  product: ProductCode;
  customer_id: number | null;
  name: string;
  mode: Generated<'volume' | 'graduated'>;
  effective_from: DateText;
  /** R18: set when finance retired the list; a retired list is no longer in force. */
  retired_at: Timestamp | null;
}
export interface PriceTiersTable {
  price_list_id: number;
  operator: Operator;
  min_parts: Int8;
  unit_price: Int8;
}
export interface TaxRulesTable {
  id: GeneratedAlways<number>;
  effective_from: DateText;
  label: string;
  rate_percent: number;
  dpp_numerator: number;
  dpp_denominator: number;
  rounding: Generated<'floor' | 'half_up'>;
  round_dpp_first: Generated<boolean>;
}
export interface HolidaysTable {
  day: DateText;
  kind: 'holiday' | 'cuti_bersama';
  name: string;
}
export interface MessagesTable {
  sending_id: Int8;
  customer_id: number;
  product: ProductCode;
  number: string;
  operator: Operator;
  sent_at: Timestamp;
  sending_status: SendingStatus;
  delivery_status: DeliveryStatus | null;
  characters: number;
  billable_characters: number;
  parts: number;
  billable: GeneratedAlways<boolean>;
  content_hash: Buffer;
  message_text: string | null;
  delivery_updated_at: Timestamp | null;
  ingest_xid: ColumnType<string, string | undefined, string>;
  delivery_xid: string | null;
  ingested_at: DefaultTimestamp;
}
/** R2: the idempotence key of messages (a unique index of partitioned messages would have to include sent_at). */
export interface SendingIdsTable {
  sending_id: Int8;
  customer_id: number;
  sent_at: Timestamp;
}
export interface PendingReportsTable {
  sending_id: Int8;
  delivery_status: DeliveryStatus;
  number: string | null;
  received_at: DefaultTimestamp;
}
export interface RejectedLinesTable {
  id: GeneratedAlways<number>;
  file: string;
  line_no: number;
  reason: string;
  raw: string;
  raw_hash: Buffer;
  rejected_at: DefaultTimestamp;
  resolved_at: Timestamp | null;
  /** A replay can load it once a customer or product is added (issue 17). */
  fixable: Generated<boolean>;
  closed_as: 'loaded' | 'discarded' | 'expired' | null;
  close_note: string | null;
  /** R3 counted characters and SHA-256 of the message text, kept once the line is closed and its text removed. */
  message_length: number | null;
  message_sha256: string | null;
  redacted_at: Timestamp | null;
}
export interface DepositLedgerTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  entry_date: DateText;
  kind: 'deposit' | 'deduction' | 'refund' | 'adjustment';
  amount: Int8;
  /** Set by a trigger from the previous entry; any value given is replaced. */
  balance_after: ColumnType<number, number | undefined, never>;
  ref: string | null;
  invoice_id: number | null;
  created_at: DefaultTimestamp;
}
export interface DepositBalancesView {
  customer_id: number;
  customer_code: string;
  balance: number;
}
export interface InvoiceCountersTable {
  year: number;
  last_number: number;
}
export type InvoiceStatus =
  | 'issued'
  | 'partially_paid'
  | 'paid'
  | 'settled_from_deposit'
  | 'credited'
  | 'void';
/** An invoice's review: 'awaiting_review' until approved or held (not mail's 'pending', which means queued). */
export type ReviewState = 'awaiting_review' | 'approved' | 'held';
/** What happened to an invoice (the invoice_events_event_check constraint). */
export type InvoiceEvent =
  | 'issued'
  | 'approved'
  | 'held'
  | 'released'
  | 'voided'
  | 'reissued'
  | 'replaced'
  | 'payment'
  | 'settled_from_deposit'
  | 'credit_note'
  | 'credit_used';
export interface InvoicesTable {
  id: GeneratedAlways<number>;
  number: string;
  year: number;
  sequence: number;
  customer_id: number;
  period: DateText;
  period_end: DateText;
  kind: Generated<'monthly' | 'final'>;
  invoice_date: DateText;
  due_date: DateText;
  messages: Int8;
  parts: Int8;
  subtotal: Int8;
  tax: Int8;
  total: Int8;
  tax_label: string;
  dpp_hundredths: Int8 | null;
  /** R6: DPP Nilai Lain in whole rupiah under a rule that rounds it first (from 22 May 2025), else null. */
  dpp: Int8 | null;
  deposit_balance: Int8;
  quota: Int8;
  /** [['YYYY-MM-DD', parts], …] for the days with billable usage, as billed. */
  parts_per_day: ColumnType<Array<[string, number]>, string, string>;
  /** pg_snapshot the invoice was computed on, as text. */
  snapshot: string;
  paid_amount: ColumnType<number, number | undefined, number>;
  /** R16: what credit notes took off (set by the credit_note_apply trigger). */
  credited_subtotal: ColumnType<number, never, number>;
  credited_total: ColumnType<number, never, number>;
  /** R16: the part of the credit notes that reduced the open amount. */
  credit_reduced: ColumnType<number, never, number>;
  /** R16: customer credit used on this invoice ("Kredit digunakan"). */
  credit_used: ColumnType<number, number | undefined, number>;
  status: Generated<InvoiceStatus>;
  review_state: Generated<ReviewState>;
  review_note: string | null;
  template_version: Generated<number>;
  void_reason: string | null;
  replaces_invoice_id: number | null;
  issued_at: DefaultTimestamp;
  /** The buyer as on the invoice when it was issued (a later customer change does not reach it); a trigger fills
   * the three from the customer when an insert leaves buyer_name out. */
  buyer_name: ColumnType<string, string | undefined, string>;
  buyer_address: string | null;
  buyer_npwp: string | null;
}
export interface InvoiceLinesTable {
  invoice_id: number;
  product: ProductCode;
  operator: Operator;
  messages: Int8;
  parts: Int8;
  unit_price: Int8 | null;
  amount: Int8;
  price_list_id: number;
  /** R18: the first part of the band the line prices (graduated), or of the tier reached (volume). */
  band_min_parts: ColumnType<number, number | string | undefined, number | string>;
}
export interface InvoiceEventsTable {
  id: GeneratedAlways<number>;
  invoice_id: number;
  event: InvoiceEvent;
  actor: string;
  detail: string | null;
  at: DefaultTimestamp;
}
export interface InvoiceParksTable {
  period: DateText;
  customer_id: number;
  reason: string;
  parked_at: DefaultTimestamp;
}
export interface InvoiceWorkItemsTable {
  period: DateText;
  customer_id: number;
  position: number;
  status: Generated<'pending' | 'issued' | 'done'>;
  draft: unknown;
  issue_date: DateText;
  snapshot: string;
  actor: string;
  hold_mail: boolean;
  invoice_id: number | null;
  worker: string | null;
  claimed_at: Date | null;
  finished_at: Date | null;
}
export interface PaymentsTable {
  id: GeneratedAlways<number>;
  invoice_id: number;
  amount: Int8;
  paid_on: DateText;
  method: 'transfer' | 'deposit';
  ref: string | null;
  created_at: DefaultTimestamp;
}
export interface DailyUsageTable {
  customer_id: number;
  product: ProductCode;
  operator: Operator;
  day: DateText;
  messages: Int8;
  billable_messages: Int8;
  billable_parts: Int8;
  updated_at: DefaultTimestamp;
}
export interface DailyUsageDirtyTable {
  customer_id: number;
  day: DateText;
}
/** R10: billable parts changed since the day's rollup, written by triggers on messages (insert-only). */
export interface UsageDeltasTable {
  customer_id: number;
  day: DateText;
  product: ProductCode;
  operator: Operator;
  parts: Int8;
}
export interface SuspensionsTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  reason: 'quota' | 'unpaid' | 'closed';
  month: DateText | null;
  since: DefaultTimestamp;
  lifted_at: Timestamp | null;
  lift_reason: string | null;
}
export interface QuotaStatusTable {
  customer_id: number;
  month: DateText;
  usage: Int8;
  quota: Int8;
  updated_at: DefaultTimestamp;
}
export interface QuotaWarningsTable {
  customer_id: number;
  month: DateText;
  level: number;
  at: DefaultTimestamp;
}
export interface RefundsTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  amount: Int8;
  closing_date: DateText;
  due_date: DateText;
  paid_on: DateText | null;
  ref: string | null;
  created_at: DefaultTimestamp;
}
export interface SendingPermissionView {
  customer_code: string;
  allowed: boolean;
  reason: string | null;
  usage: number;
  quota: number;
  updated_at: Date | null;
}
export type MailStatus = 'held' | 'pending' | 'sent' | 'failed' | 'cancelled';
export interface MailOutboxTable {
  id: GeneratedAlways<number>;
  kind: string;
  subject_key: string;
  customer_id: number | null;
  invoice_id: number | null;
  message_id: string;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  last_error: string | null;
  server_response: string | null;
  payload: Json;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}
export interface JobRunsTable {
  id: GeneratedAlways<number>;
  job: string;
  trigger: 'schedule' | 'catch-up' | 'manual';
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  outcome: Generated<'running' | 'ok' | 'failed' | 'skipped' | 'interrupted'>;
  counts: Json | null;
  error: string | null;
}

/** R17: one row per invoice put into a Coretax XML file. */
export interface EfakturExportsTable {
  id: GeneratedAlways<number>;
  invoice_id: number;
  period: DateText;
  file_seq: number;
  file: string;
  vat: Int8;
  again: Generated<boolean>;
  exported_at: DefaultTimestamp;
}
/** R17: the faktur number Coretax assigned to an invoice. */
export interface FakturNumbersTable {
  invoice_id: number;
  faktur_number: string;
  faktur_date: DateText;
  source: string;
  imported_at: DefaultTimestamp;
}
export interface ApiKeysTable {
  id: GeneratedAlways<number>;
  kind: 'gateway' | 'customer';
  name: string;
  customer_id: number | null;
  key_hash: Buffer;
  key_prefix: string;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
  last_balance_check_at: Timestamp | null;
}
export interface CustomerApiIpsTable {
  customer_id: number;
  network: string;
}

/** Issue 10: one changed field of a customer, with who changed it and when. */
export interface CustomerChangesTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  field: string;
  old_value: string | null;
  new_value: string | null;
  actor: string;
  /** 'customers update' or 'customers import FILE --update'. */
  source: string;
  changed_at: DefaultTimestamp;
}

export type CreditNoteKind = 'lines' | 'amount' | 'void';
export interface CreditNoteCountersTable {
  year: number;
  last_number: number;
}
export interface CreditNotesTable {
  id: GeneratedAlways<number>;
  number: string;
  year: number;
  sequence: number;
  invoice_id: number;
  customer_id: number;
  credit_date: DateText;
  kind: CreditNoteKind;
  reason: string;
  subtotal: Int8;
  tax: Int8;
  total: Int8;
  tax_label: string;
  dpp_hundredths: Int8 | null;
  /** Set by the credit_note_apply trigger. */
  reduced_open: ColumnType<number, never, never>;
  to_credit: ColumnType<number, never, never>;
  actor: string;
  created_at: DefaultTimestamp;
}
export interface CreditNoteLinesTable {
  credit_note_id: number;
  product: ProductCode;
  operator: Operator;
  parts: Int8;
  unit_price: Int8 | null;
  amount: Int8;
}
export interface CustomerCreditLedgerTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  entry_date: DateText;
  kind: 'credit_note' | 'used' | 'refund';
  amount: Int8;
  balance_after: ColumnType<number, never, never>;
  credit_note_id: number | null;
  invoice_id: number | null;
  created_at: DefaultTimestamp;
}
export interface CustomerCreditBalancesView {
  customer_id: number;
  customer_code: string;
  balance: number;
}
// R15 prepaid accounts (migrations/2026-12-01-14-prepaid.ts).
export interface PrepaidAccountsTable {
  customer_id: number;
  price_per_part: Int8;
  expires_on: DateText | null;
  last_billable_at: Timestamp | null;
  last_topup_on: DateText | null;
  created_at: DefaultTimestamp;
}
export interface PrepaidTopupsTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  topup_date: DateText;
  amount: Int8;
  tax: Int8;
  total: Int8;
  tax_label: string;
  dpp_hundredths: Int8 | null;
  unit_price: Int8;
  expires_on: DateText;
  number: string;
  year: number;
  sequence: number;
  ref: string | null;
  created_at: DefaultTimestamp;
}
export type PrepaidLedgerKind = 'topup' | 'usage' | 'giveback' | 'forfeit';
export interface PrepaidLedgerTable {
  id: GeneratedAlways<number>;
  customer_id: number;
  entry_date: DateText;
  kind: PrepaidLedgerKind;
  amount: Int8;
  /** Set by a trigger from the previous entry; any value given is replaced. */
  balance_after: ColumnType<number, number | undefined, never>;
  topup_id: number | null;
  ref: string | null;
  created_at: DefaultTimestamp;
}
export interface PrepaidBalancesView {
  customer_id: number;
  balance: number;
}
export interface PrepaidChargesTable {
  sending_id: Int8;
  customer_id: number;
  unit_price: Int8;
  due: Int8;
  charged: Int8;
  shortfall: ColumnType<number, never, never>;
  charged_on: DateText;
  given_back: Generated<number>;
  given_back_on: DateText | null;
}
export interface PrepaidWarningsTable {
  customer_id: number;
  forfeit_on: DateText;
  days_before: 30 | 7;
  cause: 'expiry' | 'inactivity';
  at: DefaultTimestamp;
}

/** Who may log in to the review page (issue 17); the password only as a scrypt hash. */
export interface ReviewUsersTable {
  id: GeneratedAlways<number>;
  name: string;
  password_hash: string;
  created_at: Generated<Date>;
}

export interface DB {
  credit_note_counters: CreditNoteCountersTable;
  credit_notes: CreditNotesTable;
  credit_note_lines: CreditNoteLinesTable;
  customer_credit_ledger: CustomerCreditLedgerTable;
  customer_credit_balances: CustomerCreditBalancesView;
  operators: OperatorsTable;
  operator_prefixes: OperatorPrefixesTable;
  ingest_context_version: IngestContextVersionTable;
  products: ProductsTable;
  customers: CustomersTable;
  price_lists: PriceListsTable;
  price_tiers: PriceTiersTable;
  tax_rules: TaxRulesTable;
  holidays: HolidaysTable;
  /** Partitioned by WIB month of sent_at (messages_YYYY_MM, messages_default). */
  messages: MessagesTable;
  sending_ids: SendingIdsTable;
  pending_reports: PendingReportsTable;
  rejected_lines: RejectedLinesTable;
  deposit_ledger: DepositLedgerTable;
  deposit_balances: DepositBalancesView;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  invoice_events: InvoiceEventsTable;
  invoice_parks: InvoiceParksTable;
  invoice_work_items: InvoiceWorkItemsTable;
  payments: PaymentsTable;
  daily_usage: DailyUsageTable;
  daily_usage_dirty: DailyUsageDirtyTable;
  usage_deltas: UsageDeltasTable;
  suspensions: SuspensionsTable;
  quota_status: QuotaStatusTable;
  quota_warnings: QuotaWarningsTable;
  refunds: RefundsTable;
  sending_permission: SendingPermissionView;
  mail_outbox: MailOutboxTable;
  job_runs: JobRunsTable;
  efaktur_exports: EfakturExportsTable;
  faktur_numbers: FakturNumbersTable;
  api_keys: ApiKeysTable;
  customer_api_ips: CustomerApiIpsTable;
  customer_changes: CustomerChangesTable;
  prepaid_accounts: PrepaidAccountsTable;
  prepaid_topups: PrepaidTopupsTable;
  prepaid_ledger: PrepaidLedgerTable;
  prepaid_balances: PrepaidBalancesView;
  prepaid_charges: PrepaidChargesTable;
  prepaid_warnings: PrepaidWarningsTable;
  review_users: ReviewUsersTable;
}
