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
export type InvoiceStatus = 'issued' | 'partially_paid' | 'paid' | 'settled_from_deposit' | 'void';
/** An invoice's review: 'awaiting_review' until approved or held (not mail's 'pending', which means queued). */
export type ReviewState = 'awaiting_review' | 'approved' | 'held';
/** What happened to an invoice (the invoice_events_event_check constraint). */
export type InvoiceEvent =
  | 'issued'
  | 'approved'
  | 'held'
  | 'voided'
  | 'reissued'
  | 'replaced'
  | 'payment'
  | 'settled_from_deposit';
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
  deposit_balance: Int8;
  quota: Int8;
  /** [['YYYY-MM-DD', parts], …] for the days with billable usage, as billed. */
  parts_per_day: ColumnType<Array<[string, number]>, string, string>;
  /** pg_snapshot the invoice was computed on, as text. */
  snapshot: string;
  paid_amount: ColumnType<number, number | undefined, number>;
  status: Generated<InvoiceStatus>;
  review_state: Generated<ReviewState>;
  review_note: string | null;
  template_version: Generated<number>;
  void_reason: string | null;
  replaces_invoice_id: number | null;
  issued_at: DefaultTimestamp;
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

/** Who may log in to the review page (issue 17); the password only as a scrypt hash. */
export interface ReviewUsersTable {
  id: GeneratedAlways<number>;
  name: string;
  password_hash: string;
  created_at: Generated<Date>;
}

export interface DB {
  operators: OperatorsTable;
  operator_prefixes: OperatorPrefixesTable;
  products: ProductsTable;
  customers: CustomersTable;
  price_lists: PriceListsTable;
  price_tiers: PriceTiersTable;
  tax_rules: TaxRulesTable;
  holidays: HolidaysTable;
  messages: MessagesTable;
  pending_reports: PendingReportsTable;
  rejected_lines: RejectedLinesTable;
  deposit_ledger: DepositLedgerTable;
  deposit_balances: DepositBalancesView;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  invoice_events: InvoiceEventsTable;
  invoice_parks: InvoiceParksTable;
  payments: PaymentsTable;
  daily_usage: DailyUsageTable;
  daily_usage_dirty: DailyUsageDirtyTable;
  suspensions: SuspensionsTable;
  quota_status: QuotaStatusTable;
  quota_warnings: QuotaWarningsTable;
  refunds: RefundsTable;
  sending_permission: SendingPermissionView;
  mail_outbox: MailOutboxTable;
  job_runs: JobRunsTable;
  efaktur_exports: EfakturExportsTable;
  faktur_numbers: FakturNumbersTable;
  review_users: ReviewUsersTable;
}
