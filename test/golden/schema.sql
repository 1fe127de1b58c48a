-- The schema the migrations build (test/db/schema-golden.test.ts). UPDATE_GOLDEN=1 rewrites it.

function bump_ingest_context_version() returns trigger: begin update ingest_context_version set version = version + 1; return null; end
function credit_note_apply() returns trigger: declare inv invoices%rowtype; open_amount bigint; begin select * into inv from invoices where id = new.invoice_id for update; if inv.status = 'void' then raise exception 'invoice % is void; a credit note can only correct a live invoice', inv.number using errcode = 'check_violation', constraint = 'credit_notes_live_invoice'; end if; if inv.customer_id <> new.customer_id then raise exception 'credit note customer differs from the customer of invoice %', inv.number; end if; open_amount := greatest(inv.total - inv.paid_amount - inv.credit_reduced - inv.credit_used, 0); new.reduced_open := least(new.total, open_amount); new.to_credit := new.total - new.reduced_open; update invoices set credited_subtotal = credited_subtotal + new.subtotal, credited_total = credited_total + new.total, credit_reduced = credit_reduced + new.reduced_open, status = case when status in ('issued', 'partially_paid') and new.reduced_open = open_amount then (case when paid_amount > 0 then 'paid' else 'credited' end) else status end where id = new.invoice_id; return new; end
function credit_note_excess() returns trigger: begin if new.to_credit > 0 then insert into customer_credit_ledger (customer_id, entry_date, kind, amount, credit_note_id) values (new.customer_id, new.credit_date, 'credit_note', new.to_credit, new.id); end if; return null; end
function customer_credit_balance() returns trigger: begin perform 1 from customers where id = new.customer_id for update; new.balance_after := coalesce( (select balance_after from customer_credit_ledger where customer_id = new.customer_id order by id desc limit 1), 0 ) + new.amount; return new; end
function customers_never_deleted() returns trigger: begin raise exception 'customers are never deleted (their messages and invoices refer to them)' using hint = 'close the account instead: npm run accounts -- close'; end
function delivery_status_rank(s smallint) returns integer: select case s when 7 then 1 when 2 then 2 when 3 then 3 when 4 then 4 else null end
function deposit_ledger_balance() returns trigger: begin -- Serialise entries per customer, so racing settlements cannot both spend the same rupiah. perform 1 from customers where id = new.customer_id for update; new.balance_after := coalesce( (select balance_after from deposit_ledger where customer_id = new.customer_id order by id desc limit 1), 0 ) + new.amount; return new; end
function ensure_messages_partition(p_month date) returns boolean: declare month_start date := date_trunc('month', p_month)::date; part_name text := 'messages_' || to_char(month_start, 'YYYY_MM'); lo timestamptz := month_start::timestamp at time zone 'Asia/Jakarta'; hi timestamptz := (month_start + interval '1 month')::timestamp at time zone 'Asia/Jakarta'; begin if to_regclass(part_name) is not null then return false; end if; if exists (select 1 from messages_default where sent_at >= lo and sent_at < hi) then alter table messages detach partition messages_default; execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi); -- straight into the partition: their sendingids are registered already execute format('insert into %I (sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid, ingested_at) select sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid, ingested_at from messages_default where sent_at >= %L and sent_at < %L', part_name, lo, hi); delete from messages_default where sent_at >= lo and sent_at < hi; alter table messages attach partition messages_default default; else execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi); end if; return true; end
function forbid_change() returns trigger: begin raise exception '% is append-only: add a correcting entry instead', tg_table_name; end
function invoices_buyer_snapshot() returns trigger: begin if new.buyer_name is null then select c.name, c.address, c.npwp into new.buyer_name, new.buyer_address, new.buyer_npwp from customers c where c.id = new.customer_id; end if; return new; end
function merge_delivery_status(cur smallint, inc smallint) returns smallint: select case when cur is null then inc when inc is null then cur when cur in (5, 6) then cur when inc in (5, 6) then inc when delivery_status_rank(inc) > delivery_status_rank(cur) then inc else cur end
function messages_keys_fixed() returns trigger: begin raise exception 'the sendingid, customer and sent_at of a loaded message never change (sending_id %)', old.sending_id using hint = 'load a corrected line with a new sendingid instead'; end
function messages_register_sending_ids() returns trigger: begin insert into sending_ids (sending_id, customer_id, sent_at) select sending_id, customer_id, sent_at from new_rows; return null; end
function messages_usage_deleted() returns trigger: begin insert into usage_deltas (customer_id, day, product, operator, parts) select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, -sum(parts) from old_rows where billable group by 1, 2, 3, 4; return null; end
function messages_usage_inserted() returns trigger: begin insert into usage_deltas (customer_id, day, product, operator, parts) select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, sum(parts) from new_rows where billable group by 1, 2, 3, 4; return null; end
function messages_usage_updated() returns trigger: begin insert into usage_deltas (customer_id, day, product, operator, parts) select customer_id, day, product, operator, sum(parts) from ( select customer_id, (sent_at at time zone 'Asia/Jakarta')::date as day, product, operator, parts from new_rows where billable union all select customer_id, (sent_at at time zone 'Asia/Jakarta')::date, product, operator, -parts from old_rows where billable ) changed group by 1, 2, 3, 4 having sum(parts) <> 0; return null; end
function prepaid_accounts_kept() returns trigger: begin raise exception 'prepaid accounts are never deleted or given another customer (their charges and ledger refer to them)' using hint = 'close the account instead: npm run accounts -- close'; end
function prepaid_ledger_balance() returns trigger: begin -- Serialise entries per account (as deposit_ledger does), so racing ingests cannot spend the same rupiah. perform 1 from prepaid_accounts where customer_id = new.customer_id for update; new.balance_after := coalesce( (select balance_after from prepaid_ledger where customer_id = new.customer_id order by id desc limit 1), 0 ) + new.amount; return new; end
function quota_for(deposit_balance bigint, quota_override bigint) returns bigint: select coalesce(quota_override, 2 * deposit_balance)

table api_keys.id bigint not null identity
table api_keys.kind text not null
table api_keys.name text not null
table api_keys.customer_id bigint
table api_keys.key_hash bytea not null
table api_keys.key_prefix text not null
table api_keys.created_at timestamp with time zone not null default now()
table api_keys.revoked_at timestamp with time zone
table api_keys.last_balance_check_at timestamp with time zone
table credit_note_counters.year integer not null
table credit_note_counters.last_number integer not null
table credit_note_lines.credit_note_id bigint not null
table credit_note_lines.product text not null
table credit_note_lines.operator text not null
table credit_note_lines.parts bigint not null
table credit_note_lines.unit_price bigint
table credit_note_lines.amount bigint not null
table credit_notes.id bigint not null identity
table credit_notes.number text not null
table credit_notes.year integer not null
table credit_notes.sequence integer not null
table credit_notes.invoice_id bigint not null
table credit_notes.customer_id bigint not null
table credit_notes.credit_date date not null
table credit_notes.kind text not null
table credit_notes.reason text not null
table credit_notes.subtotal bigint not null
table credit_notes.tax bigint not null
table credit_notes.total bigint not null
table credit_notes.tax_label text not null
table credit_notes.dpp_hundredths bigint
table credit_notes.reduced_open bigint not null default 0
table credit_notes.to_credit bigint not null default 0
table credit_notes.actor text not null
table credit_notes.created_at timestamp with time zone not null default now()
table customer_api_ips.customer_id bigint not null
table customer_api_ips.network cidr not null
table customer_changes.id bigint not null identity
table customer_changes.customer_id bigint not null
table customer_changes.field text not null
table customer_changes.old_value text
table customer_changes.new_value text
table customer_changes.actor text not null
table customer_changes.source text not null
table customer_changes.changed_at timestamp with time zone not null default now()
view customer_credit_balances.customer_id bigint
view customer_credit_balances.customer_code text
view customer_credit_balances.balance bigint
table customer_credit_ledger.id bigint not null identity
table customer_credit_ledger.customer_id bigint not null
table customer_credit_ledger.entry_date date not null
table customer_credit_ledger.kind text not null
table customer_credit_ledger.amount bigint not null
table customer_credit_ledger.balance_after bigint not null
table customer_credit_ledger.credit_note_id bigint
table customer_credit_ledger.invoice_id bigint
table customer_credit_ledger.created_at timestamp with time zone not null default now()
table customers.id bigint not null identity
table customers.code text not null
table customers.name text not null
table customers.emails text[] not null
table customers.address text
table customers.npwp text
table customers.paper_invoice boolean not null default false
table customers.quota_override bigint
table customers.billing text not null default 'postpaid'::text
table customers.status text not null default 'active'::text
table customers.closed_on date
table customers.created_at timestamp with time zone not null default now()
table customers.buyer_document text
table customers.buyer_document_number text
table customers.buyer_nitku text
table customers.buyer_country text not null default 'IDN'::text
table daily_usage.customer_id bigint not null
table daily_usage.product text not null
table daily_usage.operator text not null
table daily_usage.day date not null
table daily_usage.messages bigint not null
table daily_usage.billable_messages bigint not null
table daily_usage.billable_parts bigint not null
table daily_usage.updated_at timestamp with time zone not null default now()
table daily_usage_dirty.customer_id bigint not null
table daily_usage_dirty.day date not null
view deposit_balances.customer_id bigint
view deposit_balances.customer_code text
view deposit_balances.balance bigint
table deposit_ledger.id bigint not null identity
table deposit_ledger.customer_id bigint not null
table deposit_ledger.entry_date date not null
table deposit_ledger.kind text not null
table deposit_ledger.amount bigint not null
table deposit_ledger.balance_after bigint not null
table deposit_ledger.ref text
table deposit_ledger.invoice_id bigint
table deposit_ledger.created_at timestamp with time zone not null default now()
table efaktur_exports.id bigint not null identity
table efaktur_exports.invoice_id bigint not null
table efaktur_exports.period date not null
table efaktur_exports.file_seq integer not null
table efaktur_exports.file text not null
table efaktur_exports.vat bigint not null
table efaktur_exports.again boolean not null default false
table efaktur_exports.exported_at timestamp with time zone not null default now()
table faktur_numbers.invoice_id bigint not null
table faktur_numbers.faktur_number text not null
table faktur_numbers.faktur_date date not null
table faktur_numbers.source text not null
table faktur_numbers.imported_at timestamp with time zone not null default now()
table holidays.day date not null
table holidays.kind text not null
table holidays.name text not null
table ingest_context_version.only_row boolean not null default true
table ingest_context_version.version bigint not null
table invoice_counters.year integer not null
table invoice_counters.last_number integer not null
table invoice_events.id bigint not null identity
table invoice_events.invoice_id bigint not null
table invoice_events.event text not null
table invoice_events.actor text not null
table invoice_events.detail text
table invoice_events.at timestamp with time zone not null default now()
table invoice_lines.invoice_id bigint not null
table invoice_lines.product text not null
table invoice_lines.operator text not null
table invoice_lines.messages bigint not null
table invoice_lines.parts bigint not null
table invoice_lines.unit_price bigint
table invoice_lines.amount bigint not null
table invoice_lines.price_list_id bigint not null
table invoice_lines.band_min_parts bigint not null default 0
table invoice_parks.period date not null
table invoice_parks.customer_id bigint not null
table invoice_parks.reason text not null
table invoice_parks.parked_at timestamp with time zone not null default now()
table invoice_work_items.period date not null
table invoice_work_items.customer_id bigint not null
table invoice_work_items.position integer not null
table invoice_work_items.status text not null default 'pending'::text
table invoice_work_items.draft jsonb not null
table invoice_work_items.issue_date date not null
table invoice_work_items.snapshot text not null
table invoice_work_items.actor text not null
table invoice_work_items.hold_mail boolean not null
table invoice_work_items.invoice_id bigint
table invoice_work_items.worker text
table invoice_work_items.claimed_at timestamp with time zone
table invoice_work_items.finished_at timestamp with time zone
table invoices.id bigint not null identity
table invoices.number text not null
table invoices.year integer not null
table invoices.sequence integer not null
table invoices.customer_id bigint not null
table invoices.period date not null
table invoices.period_end date not null
table invoices.kind text not null default 'monthly'::text
table invoices.invoice_date date not null
table invoices.due_date date not null
table invoices.messages bigint not null
table invoices.parts bigint not null
table invoices.subtotal bigint not null
table invoices.tax bigint not null
table invoices.total bigint not null
table invoices.tax_label text not null
table invoices.dpp_hundredths bigint
table invoices.deposit_balance bigint not null
table invoices.quota bigint not null
table invoices.snapshot pg_snapshot not null
table invoices.paid_amount bigint not null default 0
table invoices.status text not null default 'issued'::text
table invoices.review_state text not null default 'approved'::text
table invoices.review_note text
table invoices.void_reason text
table invoices.replaces_invoice_id bigint
table invoices.issued_at timestamp with time zone not null default now()
table invoices.parts_per_day jsonb not null default '[]'::jsonb
table invoices.template_version integer not null default 1
table invoices.dpp bigint
table invoices.buyer_name text not null
table invoices.buyer_address text
table invoices.buyer_npwp text
table invoices.credited_subtotal bigint not null default 0
table invoices.credited_total bigint not null default 0
table invoices.credit_reduced bigint not null default 0
table invoices.credit_used bigint not null default 0
table job_runs.id bigint not null identity
table job_runs.job text not null
table job_runs.trigger text not null
table job_runs.started_at timestamp with time zone not null default now()
table job_runs.finished_at timestamp with time zone
table job_runs.outcome text not null default 'running'::text
table job_runs.counts jsonb
table job_runs.error text
table mail_outbox.id bigint not null identity
table mail_outbox.kind text not null
table mail_outbox.subject_key text not null
table mail_outbox.customer_id bigint
table mail_outbox.invoice_id bigint
table mail_outbox.message_id text not null
table mail_outbox.status text not null default 'pending'::text
table mail_outbox.attempts integer not null default 0
table mail_outbox.next_attempt_at timestamp with time zone not null default now()
table mail_outbox.last_error text
table mail_outbox.server_response text
table mail_outbox.payload jsonb not null default '{}'::jsonb
table mail_outbox.created_at timestamp with time zone not null default now()
table mail_outbox.sent_at timestamp with time zone
partitioned table messages.sending_id bigint not null
partitioned table messages.customer_id bigint not null
partitioned table messages.product text not null
partitioned table messages.number text not null
partitioned table messages.operator text not null
partitioned table messages.sent_at timestamp with time zone not null
partitioned table messages.sending_status smallint not null
partitioned table messages.delivery_status smallint
partitioned table messages.characters integer not null
partitioned table messages.billable_characters integer not null
partitioned table messages.parts integer not null
partitioned table messages.billable boolean generated (((sending_status = 10) AND (COALESCE((delivery_status)::integer, 0) <> ALL (ARRAY[5, 6]))))
partitioned table messages.content_hash bytea not null
partitioned table messages.message_text text
partitioned table messages.delivery_updated_at timestamp with time zone
partitioned table messages.ingest_xid xid8 not null default pg_current_xact_id()
partitioned table messages.delivery_xid xid8
partitioned table messages.ingested_at timestamp with time zone not null default now()
table operator_prefixes.prefix text not null
table operator_prefixes.operator text not null
table operators.id text not null
table operators.name text not null
table payments.id bigint not null identity
table payments.invoice_id bigint not null
table payments.amount bigint not null
table payments.paid_on date not null
table payments.method text not null
table payments.ref text
table payments.created_at timestamp with time zone not null default now()
table pending_reports.sending_id bigint not null
table pending_reports.delivery_status smallint not null
table pending_reports.number text
table pending_reports.received_at timestamp with time zone not null default now()
table prepaid_accounts.customer_id bigint not null
table prepaid_accounts.price_per_part bigint not null
table prepaid_accounts.expires_on date
table prepaid_accounts.last_billable_at timestamp with time zone
table prepaid_accounts.last_topup_on date
table prepaid_accounts.created_at timestamp with time zone not null default now()
view prepaid_balances.customer_id bigint
view prepaid_balances.balance bigint
table prepaid_charges.sending_id bigint not null
table prepaid_charges.customer_id bigint not null
table prepaid_charges.unit_price bigint not null
table prepaid_charges.due bigint not null
table prepaid_charges.charged bigint not null
table prepaid_charges.shortfall bigint not null generated ((due - charged))
table prepaid_charges.charged_on date not null
table prepaid_charges.given_back bigint not null default 0
table prepaid_charges.given_back_on date
table prepaid_ledger.id bigint not null identity
table prepaid_ledger.customer_id bigint not null
table prepaid_ledger.entry_date date not null
table prepaid_ledger.kind text not null
table prepaid_ledger.amount bigint not null
table prepaid_ledger.balance_after bigint not null
table prepaid_ledger.topup_id bigint
table prepaid_ledger.ref text
table prepaid_ledger.created_at timestamp with time zone not null default now()
table prepaid_topups.id bigint not null identity
table prepaid_topups.customer_id bigint not null
table prepaid_topups.topup_date date not null
table prepaid_topups.amount bigint not null
table prepaid_topups.tax bigint not null
table prepaid_topups.total bigint not null
table prepaid_topups.tax_label text not null
table prepaid_topups.dpp_hundredths bigint
table prepaid_topups.unit_price bigint not null
table prepaid_topups.expires_on date not null
table prepaid_topups.number text not null
table prepaid_topups.year integer not null
table prepaid_topups.sequence integer not null
table prepaid_topups.ref text
table prepaid_topups.created_at timestamp with time zone not null default now()
table prepaid_warnings.customer_id bigint not null
table prepaid_warnings.forfeit_on date not null
table prepaid_warnings.days_before integer not null
table prepaid_warnings.cause text not null
table prepaid_warnings.at timestamp with time zone not null default now()
table price_lists.id bigint not null identity
table price_lists.product text not null
table price_lists.customer_id bigint
table price_lists.name text not null
table price_lists.mode text not null default 'volume'::text
table price_lists.effective_from date not null
table price_lists.retired_at timestamp with time zone
table price_tiers.price_list_id bigint not null
table price_tiers.operator text not null
table price_tiers.min_parts bigint not null
table price_tiers.unit_price bigint not null
table products.code text not null
table products.name text not null
table quota_status.customer_id bigint not null
table quota_status.month date not null
table quota_status.usage bigint not null
table quota_status.quota bigint not null
table quota_status.updated_at timestamp with time zone not null default now()
table quota_warnings.customer_id bigint not null
table quota_warnings.month date not null
table quota_warnings.level integer not null
table quota_warnings.at timestamp with time zone not null default now()
table refunds.id bigint not null identity
table refunds.customer_id bigint not null
table refunds.amount bigint not null
table refunds.closing_date date not null
table refunds.due_date date not null
table refunds.paid_on date
table refunds.ref text
table refunds.created_at timestamp with time zone not null default now()
table rejected_lines.id bigint not null identity
table rejected_lines.file text not null
table rejected_lines.line_no integer not null
table rejected_lines.reason text not null
table rejected_lines.raw text not null
table rejected_lines.raw_hash bytea not null
table rejected_lines.rejected_at timestamp with time zone not null default now()
table rejected_lines.resolved_at timestamp with time zone
table rejected_lines.fixable boolean not null default false
table rejected_lines.closed_as text
table rejected_lines.close_note text
table rejected_lines.message_length integer
table rejected_lines.message_sha256 text
table rejected_lines.redacted_at timestamp with time zone
table review_users.id bigint not null identity
table review_users.name text not null
table review_users.password_hash text not null
table review_users.created_at timestamp with time zone not null default now()
table sending_ids.sending_id bigint not null
table sending_ids.customer_id bigint not null
table sending_ids.sent_at timestamp with time zone not null
view sending_permission.customer_code text
view sending_permission.allowed boolean
view sending_permission.reason text
view sending_permission.usage bigint
view sending_permission.quota bigint
view sending_permission.updated_at timestamp with time zone
table suspensions.id bigint not null identity
table suspensions.customer_id bigint not null
table suspensions.reason text not null
table suspensions.month date
table suspensions.since timestamp with time zone not null default now()
table suspensions.lifted_at timestamp with time zone
table suspensions.lift_reason text
table tax_rules.id bigint not null identity
table tax_rules.effective_from date not null
table tax_rules.label text not null
table tax_rules.rate_percent integer not null
table tax_rules.dpp_numerator integer not null
table tax_rules.dpp_denominator integer not null
table tax_rules.rounding text not null default 'floor'::text
table tax_rules.round_dpp_first boolean not null default false
table usage_deltas.customer_id bigint not null
table usage_deltas.day date not null
table usage_deltas.product text not null
table usage_deltas.operator text not null
table usage_deltas.parts bigint not null

constraint api_keys.api_keys_check CHECK (((kind = 'customer'::text) = (customer_id IS NOT NULL)))
constraint api_keys.api_keys_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint api_keys.api_keys_key_hash_check CHECK ((length(key_hash) = 32))
constraint api_keys.api_keys_key_hash_key UNIQUE (key_hash)
constraint api_keys.api_keys_kind_check CHECK ((kind = ANY (ARRAY['gateway'::text, 'customer'::text])))
constraint api_keys.api_keys_name_check CHECK ((btrim(name) <> ''::text))
constraint api_keys.api_keys_pkey PRIMARY KEY (id)
constraint credit_note_counters.credit_note_counters_last_number_check CHECK ((last_number >= 0))
constraint credit_note_counters.credit_note_counters_pkey PRIMARY KEY (year)
constraint credit_note_lines.credit_note_lines_amount_check CHECK ((amount > 0))
constraint credit_note_lines.credit_note_lines_credit_note_id_fkey FOREIGN KEY (credit_note_id) REFERENCES credit_notes(id)
constraint credit_note_lines.credit_note_lines_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint credit_note_lines.credit_note_lines_parts_check CHECK ((parts >= 0))
constraint credit_note_lines.credit_note_lines_pkey PRIMARY KEY (credit_note_id, product, operator)
constraint credit_note_lines.credit_note_lines_product_fkey FOREIGN KEY (product) REFERENCES products(code)
constraint credit_note_lines.credit_note_lines_unit_price_check CHECK ((unit_price >= 0))
constraint credit_notes.credit_notes_check CHECK ((total = (subtotal + tax)))
constraint credit_notes.credit_notes_check1 CHECK (((reduced_open + to_credit) = total))
constraint credit_notes.credit_notes_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint credit_notes.credit_notes_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint credit_notes.credit_notes_kind_check CHECK ((kind = ANY (ARRAY['lines'::text, 'amount'::text, 'void'::text])))
constraint credit_notes.credit_notes_number_key UNIQUE (number)
constraint credit_notes.credit_notes_pkey PRIMARY KEY (id)
constraint credit_notes.credit_notes_reason_check CHECK ((btrim(reason) <> ''::text))
constraint credit_notes.credit_notes_reduced_open_check CHECK ((reduced_open >= 0))
constraint credit_notes.credit_notes_sequence_check CHECK ((sequence >= 1))
constraint credit_notes.credit_notes_subtotal_check CHECK ((subtotal > 0))
constraint credit_notes.credit_notes_tax_check CHECK ((tax >= 0))
constraint credit_notes.credit_notes_to_credit_check CHECK ((to_credit >= 0))
constraint credit_notes.credit_notes_year_sequence_key UNIQUE (year, sequence)
constraint customer_api_ips.customer_api_ips_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint customer_api_ips.customer_api_ips_pkey PRIMARY KEY (customer_id, network)
constraint customer_changes.customer_changes_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint customer_changes.customer_changes_pkey PRIMARY KEY (id)
constraint customer_credit_ledger.customer_credit_ledger_amount_check CHECK ((amount <> 0))
constraint customer_credit_ledger.customer_credit_ledger_balance_after_check CHECK ((balance_after >= 0))
constraint customer_credit_ledger.customer_credit_ledger_check CHECK ((((kind = 'credit_note'::text) AND (amount > 0) AND (credit_note_id IS NOT NULL)) OR ((kind = 'used'::text) AND (amount < 0) AND (invoice_id IS NOT NULL)) OR ((kind = 'refund'::text) AND (amount < 0))))
constraint customer_credit_ledger.customer_credit_ledger_credit_note_id_fkey FOREIGN KEY (credit_note_id) REFERENCES credit_notes(id)
constraint customer_credit_ledger.customer_credit_ledger_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint customer_credit_ledger.customer_credit_ledger_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint customer_credit_ledger.customer_credit_ledger_kind_check CHECK ((kind = ANY (ARRAY['credit_note'::text, 'used'::text, 'refund'::text])))
constraint customer_credit_ledger.customer_credit_ledger_pkey PRIMARY KEY (id)
constraint customers.customers_billing_check CHECK ((billing = ANY (ARRAY['postpaid'::text, 'prepaid'::text])))
constraint customers.customers_buyer_country_check CHECK ((buyer_country ~ '^[A-Z]{3}$'::text))
constraint customers.customers_buyer_document_check CHECK ((buyer_document = ANY (ARRAY['TIN'::text, 'NIK'::text, 'passport'::text, 'other'::text])))
constraint customers.customers_buyer_document_digits CHECK (((buyer_document <> ALL (ARRAY['TIN'::text, 'NIK'::text])) OR (buyer_document_number ~ '^[0-9]{16}$'::text)))
constraint customers.customers_buyer_document_number CHECK (((buyer_document IS NULL) = (buyer_document_number IS NULL)))
constraint customers.customers_buyer_nitku_check CHECK ((buyer_nitku ~ '^[0-9]{22}$'::text))
constraint customers.customers_check CHECK (((status = 'closed'::text) = (closed_on IS NOT NULL)))
constraint customers.customers_code_check CHECK ((code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'::text))
constraint customers.customers_code_key UNIQUE (code)
constraint customers.customers_emails_check CHECK ((cardinality(emails) >= 1))
constraint customers.customers_name_check CHECK ((btrim(name) <> ''::text))
constraint customers.customers_pkey PRIMARY KEY (id)
constraint customers.customers_quota_override_check CHECK ((quota_override >= 0))
constraint customers.customers_status_check CHECK ((status = ANY (ARRAY['active'::text, 'closed'::text])))
constraint daily_usage.daily_usage_billable_messages_check CHECK ((billable_messages >= 0))
constraint daily_usage.daily_usage_billable_parts_check CHECK ((billable_parts >= 0))
constraint daily_usage.daily_usage_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint daily_usage.daily_usage_messages_check CHECK ((messages >= 0))
constraint daily_usage.daily_usage_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint daily_usage.daily_usage_pkey PRIMARY KEY (customer_id, day, product, operator)
constraint daily_usage.daily_usage_product_fkey FOREIGN KEY (product) REFERENCES products(code)
constraint daily_usage_dirty.daily_usage_dirty_pkey PRIMARY KEY (customer_id, day)
constraint deposit_ledger.deposit_ledger_amount_check CHECK ((amount <> 0))
constraint deposit_ledger.deposit_ledger_balance_after_check CHECK ((balance_after >= 0))
constraint deposit_ledger.deposit_ledger_check CHECK ((((kind = 'deposit'::text) AND (amount > 0)) OR ((kind = ANY (ARRAY['deduction'::text, 'refund'::text])) AND (amount < 0)) OR (kind = 'adjustment'::text)))
constraint deposit_ledger.deposit_ledger_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint deposit_ledger.deposit_ledger_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint deposit_ledger.deposit_ledger_kind_check CHECK ((kind = ANY (ARRAY['deposit'::text, 'deduction'::text, 'refund'::text, 'adjustment'::text])))
constraint deposit_ledger.deposit_ledger_pkey PRIMARY KEY (id)
constraint efaktur_exports.efaktur_exports_file_seq_check CHECK ((file_seq >= 1))
constraint efaktur_exports.efaktur_exports_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint efaktur_exports.efaktur_exports_pkey PRIMARY KEY (id)
constraint efaktur_exports.efaktur_exports_vat_check CHECK ((vat >= 0))
constraint faktur_numbers.faktur_numbers_faktur_number_check CHECK ((faktur_number ~ '^[0-9]{17}$'::text))
constraint faktur_numbers.faktur_numbers_faktur_number_key UNIQUE (faktur_number)
constraint faktur_numbers.faktur_numbers_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint faktur_numbers.faktur_numbers_pkey PRIMARY KEY (invoice_id)
constraint holidays.holidays_kind_check CHECK ((kind = ANY (ARRAY['holiday'::text, 'cuti_bersama'::text])))
constraint holidays.holidays_pkey PRIMARY KEY (day)
constraint ingest_context_version.ingest_context_version_only_row_check CHECK (only_row)
constraint ingest_context_version.ingest_context_version_pkey PRIMARY KEY (only_row)
constraint invoice_counters.invoice_counters_last_number_check CHECK ((last_number >= 0))
constraint invoice_counters.invoice_counters_pkey PRIMARY KEY (year)
constraint invoice_events.invoice_events_event_check CHECK ((event = ANY (ARRAY['issued'::text, 'approved'::text, 'held'::text, 'released'::text, 'voided'::text, 'reissued'::text, 'replaced'::text, 'payment'::text, 'settled_from_deposit'::text, 'credit_note'::text, 'credit_used'::text])))
constraint invoice_events.invoice_events_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint invoice_events.invoice_events_pkey PRIMARY KEY (id)
constraint invoice_lines.invoice_lines_amount_check CHECK ((amount >= 0))
constraint invoice_lines.invoice_lines_band_min_parts_check CHECK ((band_min_parts >= 0))
constraint invoice_lines.invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint invoice_lines.invoice_lines_messages_check CHECK ((messages >= 0))
constraint invoice_lines.invoice_lines_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint invoice_lines.invoice_lines_parts_check CHECK ((parts >= 0))
constraint invoice_lines.invoice_lines_pkey PRIMARY KEY (invoice_id, product, operator, band_min_parts)
constraint invoice_lines.invoice_lines_price_list_id_fkey FOREIGN KEY (price_list_id) REFERENCES price_lists(id)
constraint invoice_lines.invoice_lines_product_fkey FOREIGN KEY (product) REFERENCES products(code)
constraint invoice_lines.invoice_lines_unit_price_check CHECK ((unit_price >= 0))
constraint invoice_parks.invoice_parks_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint invoice_parks.invoice_parks_pkey PRIMARY KEY (period, customer_id)
constraint invoice_work_items.invoice_work_items_check CHECK (((status = 'pending'::text) = (invoice_id IS NULL)))
constraint invoice_work_items.invoice_work_items_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint invoice_work_items.invoice_work_items_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint invoice_work_items.invoice_work_items_pkey PRIMARY KEY (period, customer_id)
constraint invoice_work_items.invoice_work_items_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'issued'::text, 'done'::text])))
constraint invoices.invoices_check CHECK ((total = (subtotal + tax)))
constraint invoices.invoices_check1 CHECK (((paid_amount >= 0) AND (paid_amount <= total)))
constraint invoices.invoices_check2 CHECK ((due_date >= invoice_date))
constraint invoices.invoices_check3 CHECK ((period_end >= period))
constraint invoices.invoices_credit_reduced_check CHECK ((credit_reduced >= 0))
constraint invoices.invoices_credit_used_check CHECK ((credit_used >= 0))
constraint invoices.invoices_credited_within CHECK ((((credited_subtotal >= 0) AND (credited_subtotal <= subtotal)) AND ((credited_total >= 0) AND (credited_total <= total))))
constraint invoices.invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint invoices.invoices_deposit_balance_check CHECK ((deposit_balance >= 0))
constraint invoices.invoices_dpp_check CHECK ((dpp >= 0))
constraint invoices.invoices_kind_check CHECK ((kind = ANY (ARRAY['monthly'::text, 'final'::text])))
constraint invoices.invoices_messages_check CHECK ((messages >= 0))
constraint invoices.invoices_number_key UNIQUE (number)
constraint invoices.invoices_open_not_negative CHECK ((((paid_amount + credit_reduced) + credit_used) <= total))
constraint invoices.invoices_parts_check CHECK ((parts >= 0))
constraint invoices.invoices_period_check CHECK ((EXTRACT(day FROM period) = (1)::numeric))
constraint invoices.invoices_pkey PRIMARY KEY (id)
constraint invoices.invoices_quota_check CHECK ((quota >= 0))
constraint invoices.invoices_replaces_invoice_id_fkey FOREIGN KEY (replaces_invoice_id) REFERENCES invoices(id)
constraint invoices.invoices_review_state_check CHECK ((review_state = ANY (ARRAY['awaiting_review'::text, 'approved'::text, 'held'::text])))
constraint invoices.invoices_sequence_check CHECK ((sequence >= 1))
constraint invoices.invoices_status_check CHECK ((status = ANY (ARRAY['issued'::text, 'partially_paid'::text, 'paid'::text, 'settled_from_deposit'::text, 'credited'::text, 'void'::text])))
constraint invoices.invoices_subtotal_check CHECK ((subtotal >= 0))
constraint invoices.invoices_tax_check CHECK ((tax >= 0))
constraint invoices.invoices_template_version_check CHECK ((template_version >= 1))
constraint invoices.invoices_year_sequence_key UNIQUE (year, sequence)
constraint job_runs.job_runs_outcome_check CHECK ((outcome = ANY (ARRAY['running'::text, 'ok'::text, 'failed'::text, 'skipped'::text, 'interrupted'::text])))
constraint job_runs.job_runs_pkey PRIMARY KEY (id)
constraint job_runs.job_runs_trigger_check CHECK ((trigger = ANY (ARRAY['schedule'::text, 'catch-up'::text, 'manual'::text])))
constraint mail_outbox.mail_outbox_attempts_check CHECK ((attempts >= 0))
constraint mail_outbox.mail_outbox_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint mail_outbox.mail_outbox_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint mail_outbox.mail_outbox_kind_subject_key_key UNIQUE (kind, subject_key)
constraint mail_outbox.mail_outbox_message_id_key UNIQUE (message_id)
constraint mail_outbox.mail_outbox_pkey PRIMARY KEY (id)
constraint mail_outbox.mail_outbox_status_check CHECK ((status = ANY (ARRAY['held'::text, 'pending'::text, 'sent'::text, 'failed'::text, 'cancelled'::text])))
constraint messages.messages_characters_check1 CHECK ((characters >= 0))
constraint messages.messages_check2 CHECK ((billable_characters >= characters))
constraint messages.messages_check3 CHECK (((sending_status <> 10) OR (parts >= 1)))
constraint messages.messages_delivery_status_check1 CHECK ((delivery_status = ANY (ARRAY[2, 3, 4, 5, 6, 7])))
constraint messages.messages_operator_check1 CHECK ((operator = ANY (ARRAY['telkomsel'::text, 'indosat'::text, 'three'::text, 'xl'::text, 'smartfren'::text, 'other'::text])))
constraint messages.messages_parts_check1 CHECK ((parts >= 0))
constraint messages.messages_product_check1 CHECK ((product ~ '^[a-z][a-z0-9_]*$'::text))
constraint messages.messages_sending_status_check1 CHECK ((sending_status = ANY (ARRAY[10, 60, 70, 80, 90])))
constraint operator_prefixes.operator_prefixes_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint operator_prefixes.operator_prefixes_pkey PRIMARY KEY (prefix)
constraint operator_prefixes.operator_prefixes_prefix_check CHECK ((prefix ~ '^[0-9]{3}$'::text))
constraint operators.operators_pkey PRIMARY KEY (id)
constraint payments.payments_amount_check CHECK ((amount > 0))
constraint payments.payments_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint payments.payments_method_check CHECK ((method = ANY (ARRAY['transfer'::text, 'deposit'::text])))
constraint payments.payments_pkey PRIMARY KEY (id)
constraint pending_reports.pending_reports_delivery_status_check CHECK ((delivery_status = ANY (ARRAY[2, 3, 4, 5, 6, 7])))
constraint pending_reports.pending_reports_pkey PRIMARY KEY (sending_id)
constraint prepaid_accounts.prepaid_accounts_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint prepaid_accounts.prepaid_accounts_pkey PRIMARY KEY (customer_id)
constraint prepaid_accounts.prepaid_accounts_price_per_part_check CHECK ((price_per_part > 0))
constraint prepaid_charges.prepaid_charges_check CHECK (((charged >= 0) AND (charged <= due)))
constraint prepaid_charges.prepaid_charges_check1 CHECK (((given_back > 0) = (given_back_on IS NOT NULL)))
constraint prepaid_charges.prepaid_charges_due_check CHECK ((due >= 0))
constraint prepaid_charges.prepaid_charges_given_back_check CHECK ((given_back >= 0))
constraint prepaid_charges.prepaid_charges_pkey PRIMARY KEY (sending_id)
constraint prepaid_charges.prepaid_charges_unit_price_check CHECK ((unit_price > 0))
constraint prepaid_ledger.prepaid_ledger_amount_check CHECK ((amount <> 0))
constraint prepaid_ledger.prepaid_ledger_balance_after_check CHECK ((balance_after >= 0))
constraint prepaid_ledger.prepaid_ledger_check CHECK ((((kind = ANY (ARRAY['topup'::text, 'giveback'::text])) AND (amount > 0)) OR ((kind = ANY (ARRAY['usage'::text, 'forfeit'::text])) AND (amount < 0))))
constraint prepaid_ledger.prepaid_ledger_check1 CHECK (((kind = 'topup'::text) = (topup_id IS NOT NULL)))
constraint prepaid_ledger.prepaid_ledger_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES prepaid_accounts(customer_id)
constraint prepaid_ledger.prepaid_ledger_kind_check CHECK ((kind = ANY (ARRAY['topup'::text, 'usage'::text, 'giveback'::text, 'forfeit'::text])))
constraint prepaid_ledger.prepaid_ledger_pkey PRIMARY KEY (id)
constraint prepaid_ledger.prepaid_ledger_topup_id_fkey FOREIGN KEY (topup_id) REFERENCES prepaid_topups(id)
constraint prepaid_topups.prepaid_topups_amount_check CHECK ((amount >= 100000))
constraint prepaid_topups.prepaid_topups_check CHECK ((total = (amount + tax)))
constraint prepaid_topups.prepaid_topups_check1 CHECK ((expires_on > topup_date))
constraint prepaid_topups.prepaid_topups_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES prepaid_accounts(customer_id)
constraint prepaid_topups.prepaid_topups_number_key UNIQUE (number)
constraint prepaid_topups.prepaid_topups_pkey PRIMARY KEY (id)
constraint prepaid_topups.prepaid_topups_sequence_check CHECK ((sequence >= 1))
constraint prepaid_topups.prepaid_topups_tax_check CHECK ((tax >= 0))
constraint prepaid_topups.prepaid_topups_unit_price_check CHECK ((unit_price > 0))
constraint prepaid_warnings.prepaid_warnings_cause_check CHECK ((cause = ANY (ARRAY['expiry'::text, 'inactivity'::text])))
constraint prepaid_warnings.prepaid_warnings_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES prepaid_accounts(customer_id)
constraint prepaid_warnings.prepaid_warnings_days_before_check CHECK ((days_before = ANY (ARRAY[30, 7])))
constraint prepaid_warnings.prepaid_warnings_pkey PRIMARY KEY (customer_id, forfeit_on, days_before)
constraint price_lists.price_lists_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint price_lists.price_lists_mode_check CHECK ((mode = ANY (ARRAY['volume'::text, 'graduated'::text])))
constraint price_lists.price_lists_pkey PRIMARY KEY (id)
constraint price_lists.price_lists_product_fkey FOREIGN KEY (product) REFERENCES products(code)
constraint price_tiers.price_tiers_min_parts_check CHECK ((min_parts >= 0))
constraint price_tiers.price_tiers_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint price_tiers.price_tiers_pkey PRIMARY KEY (price_list_id, operator, min_parts)
constraint price_tiers.price_tiers_price_list_id_fkey FOREIGN KEY (price_list_id) REFERENCES price_lists(id) ON DELETE CASCADE
constraint price_tiers.price_tiers_unit_price_check CHECK ((unit_price >= 0))
constraint products.products_code_check CHECK ((code ~ '^[a-z][a-z0-9_]*$'::text))
constraint products.products_pkey PRIMARY KEY (code)
constraint quota_status.quota_status_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint quota_status.quota_status_pkey PRIMARY KEY (customer_id)
constraint quota_status.quota_status_quota_check CHECK ((quota >= 0))
constraint quota_status.quota_status_usage_check CHECK ((usage >= 0))
constraint quota_warnings.quota_warnings_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint quota_warnings.quota_warnings_level_check CHECK ((level = ANY (ARRAY[80, 100])))
constraint quota_warnings.quota_warnings_pkey PRIMARY KEY (customer_id, month, level)
constraint refunds.refunds_amount_check CHECK ((amount >= 0))
constraint refunds.refunds_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint refunds.refunds_customer_id_key UNIQUE (customer_id)
constraint refunds.refunds_pkey PRIMARY KEY (id)
constraint rejected_lines.rejected_lines_closed CHECK (((closed_as IS NULL) = (resolved_at IS NULL)))
constraint rejected_lines.rejected_lines_closed_as_check CHECK ((closed_as = ANY (ARRAY['loaded'::text, 'discarded'::text, 'expired'::text])))
constraint rejected_lines.rejected_lines_file_line_no_raw_hash_key UNIQUE (file, line_no, raw_hash)
constraint rejected_lines.rejected_lines_line_no_check CHECK ((line_no >= 1))
constraint rejected_lines.rejected_lines_pkey PRIMARY KEY (id)
constraint review_users.review_users_name_check CHECK ((name ~ '^[a-z0-9][a-z0-9._-]{0,39}$'::text))
constraint review_users.review_users_name_key UNIQUE (name)
constraint review_users.review_users_password_hash_check CHECK ((password_hash ~~ 'scrypt$%'::text))
constraint review_users.review_users_pkey PRIMARY KEY (id)
constraint sending_ids.sending_ids_pkey PRIMARY KEY (sending_id)
constraint suspensions.suspensions_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint suspensions.suspensions_pkey PRIMARY KEY (id)
constraint suspensions.suspensions_reason_check CHECK ((reason = ANY (ARRAY['quota'::text, 'unpaid'::text, 'closed'::text])))
constraint tax_rules.tax_rules_dpp_denominator_check CHECK ((dpp_denominator > 0))
constraint tax_rules.tax_rules_dpp_numerator_check CHECK ((dpp_numerator > 0))
constraint tax_rules.tax_rules_effective_from_key UNIQUE (effective_from)
constraint tax_rules.tax_rules_pkey PRIMARY KEY (id)
constraint tax_rules.tax_rules_rate_percent_check CHECK (((rate_percent >= 0) AND (rate_percent <= 100)))
constraint tax_rules.tax_rules_rounding_check CHECK ((rounding = ANY (ARRAY['floor'::text, 'half_up'::text])))

index CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys USING btree (key_hash)
index CREATE UNIQUE INDEX api_keys_one_gateway_name ON api_keys USING btree (name) WHERE ((kind = 'gateway'::text) AND (revoked_at IS NULL))
index CREATE UNIQUE INDEX api_keys_pkey ON api_keys USING btree (id)
index CREATE UNIQUE INDEX credit_note_counters_pkey ON credit_note_counters USING btree (year)
index CREATE UNIQUE INDEX credit_note_lines_pkey ON credit_note_lines USING btree (credit_note_id, product, operator)
index CREATE INDEX credit_notes_invoice ON credit_notes USING btree (invoice_id, id)
index CREATE UNIQUE INDEX credit_notes_number_key ON credit_notes USING btree (number)
index CREATE UNIQUE INDEX credit_notes_pkey ON credit_notes USING btree (id)
index CREATE UNIQUE INDEX credit_notes_year_sequence_key ON credit_notes USING btree (year, sequence)
index CREATE UNIQUE INDEX customer_api_ips_pkey ON customer_api_ips USING btree (customer_id, network)
index CREATE INDEX customer_changes_customer ON customer_changes USING btree (customer_id, id)
index CREATE UNIQUE INDEX customer_changes_pkey ON customer_changes USING btree (id)
index CREATE INDEX customer_credit_ledger_customer ON customer_credit_ledger USING btree (customer_id, id)
index CREATE UNIQUE INDEX customer_credit_ledger_pkey ON customer_credit_ledger USING btree (id)
index CREATE UNIQUE INDEX customer_credit_used_once ON customer_credit_ledger USING btree (invoice_id) WHERE (kind = 'used'::text)
index CREATE UNIQUE INDEX customers_code_key ON customers USING btree (code)
index CREATE UNIQUE INDEX customers_pkey ON customers USING btree (id)
index CREATE UNIQUE INDEX daily_usage_pkey ON daily_usage USING btree (customer_id, day, product, operator)
index CREATE UNIQUE INDEX daily_usage_dirty_pkey ON daily_usage_dirty USING btree (customer_id, day)
index CREATE INDEX deposit_ledger_customer ON deposit_ledger USING btree (customer_id, id)
index CREATE UNIQUE INDEX deposit_ledger_pkey ON deposit_ledger USING btree (id)
index CREATE INDEX efaktur_exports_invoice ON efaktur_exports USING btree (invoice_id)
index CREATE INDEX efaktur_exports_period ON efaktur_exports USING btree (period, file_seq)
index CREATE UNIQUE INDEX efaktur_exports_pkey ON efaktur_exports USING btree (id)
index CREATE UNIQUE INDEX faktur_numbers_faktur_number_key ON faktur_numbers USING btree (faktur_number)
index CREATE UNIQUE INDEX faktur_numbers_pkey ON faktur_numbers USING btree (invoice_id)
index CREATE UNIQUE INDEX holidays_pkey ON holidays USING btree (day)
index CREATE UNIQUE INDEX ingest_context_version_pkey ON ingest_context_version USING btree (only_row)
index CREATE UNIQUE INDEX invoice_counters_pkey ON invoice_counters USING btree (year)
index CREATE INDEX invoice_events_invoice ON invoice_events USING btree (invoice_id, id)
index CREATE UNIQUE INDEX invoice_events_pkey ON invoice_events USING btree (id)
index CREATE UNIQUE INDEX invoice_lines_pkey ON invoice_lines USING btree (invoice_id, product, operator, band_min_parts)
index CREATE UNIQUE INDEX invoice_parks_pkey ON invoice_parks USING btree (period, customer_id)
index CREATE INDEX invoice_work_items_open ON invoice_work_items USING btree (period, "position") WHERE (status <> 'done'::text)
index CREATE UNIQUE INDEX invoice_work_items_pkey ON invoice_work_items USING btree (period, customer_id)
index CREATE UNIQUE INDEX invoices_number_key ON invoices USING btree (number)
index CREATE UNIQUE INDEX invoices_one_per_period ON invoices USING btree (customer_id, period) WHERE (status <> 'void'::text)
index CREATE INDEX invoices_period ON invoices USING btree (period)
index CREATE UNIQUE INDEX invoices_pkey ON invoices USING btree (id)
index CREATE UNIQUE INDEX invoices_year_sequence_key ON invoices USING btree (year, sequence)
index CREATE INDEX job_runs_job ON job_runs USING btree (job, started_at DESC)
index CREATE UNIQUE INDEX job_runs_pkey ON job_runs USING btree (id)
index CREATE INDEX mail_outbox_due ON mail_outbox USING btree (next_attempt_at) WHERE (status = 'pending'::text)
index CREATE UNIQUE INDEX mail_outbox_kind_subject_key_key ON mail_outbox USING btree (kind, subject_key)
index CREATE UNIQUE INDEX mail_outbox_message_id_key ON mail_outbox USING btree (message_id)
index CREATE UNIQUE INDEX mail_outbox_pkey ON mail_outbox USING btree (id)
index CREATE INDEX messages_customer_sent_at ON ONLY public.messages USING btree (customer_id, sent_at)
index CREATE UNIQUE INDEX operator_prefixes_pkey ON operator_prefixes USING btree (prefix)
index CREATE UNIQUE INDEX operators_pkey ON operators USING btree (id)
index CREATE UNIQUE INDEX payments_bank_ref ON payments USING btree (invoice_id, ref, amount, paid_on) WHERE ((method = 'transfer'::text) AND (ref IS NOT NULL))
index CREATE UNIQUE INDEX payments_one_deposit_per_invoice ON payments USING btree (invoice_id) WHERE (method = 'deposit'::text)
index CREATE UNIQUE INDEX payments_pkey ON payments USING btree (id)
index CREATE UNIQUE INDEX pending_reports_pkey ON pending_reports USING btree (sending_id)
index CREATE UNIQUE INDEX prepaid_accounts_pkey ON prepaid_accounts USING btree (customer_id)
index CREATE INDEX prepaid_charges_customer_charged ON prepaid_charges USING btree (customer_id, charged_on)
index CREATE INDEX prepaid_charges_customer_given_back ON prepaid_charges USING btree (customer_id, given_back_on) WHERE (given_back_on IS NOT NULL)
index CREATE UNIQUE INDEX prepaid_charges_pkey ON prepaid_charges USING btree (sending_id)
index CREATE INDEX prepaid_ledger_customer ON prepaid_ledger USING btree (customer_id, id)
index CREATE INDEX prepaid_ledger_customer_created ON prepaid_ledger USING btree (customer_id, created_at)
index CREATE INDEX prepaid_ledger_date ON prepaid_ledger USING btree (entry_date)
index CREATE UNIQUE INDEX prepaid_ledger_pkey ON prepaid_ledger USING btree (id)
index CREATE UNIQUE INDEX prepaid_topups_bank_ref ON prepaid_topups USING btree (customer_id, ref, amount, topup_date) WHERE (ref IS NOT NULL)
index CREATE UNIQUE INDEX prepaid_topups_number_key ON prepaid_topups USING btree (number)
index CREATE UNIQUE INDEX prepaid_topups_pkey ON prepaid_topups USING btree (id)
index CREATE UNIQUE INDEX prepaid_warnings_pkey ON prepaid_warnings USING btree (customer_id, forfeit_on, days_before)
index CREATE UNIQUE INDEX price_lists_one_in_force ON price_lists USING btree (product, COALESCE(customer_id, (0)::bigint), effective_from) WHERE (retired_at IS NULL)
index CREATE UNIQUE INDEX price_lists_pkey ON price_lists USING btree (id)
index CREATE UNIQUE INDEX price_tiers_pkey ON price_tiers USING btree (price_list_id, operator, min_parts)
index CREATE UNIQUE INDEX products_pkey ON products USING btree (code)
index CREATE UNIQUE INDEX quota_status_pkey ON quota_status USING btree (customer_id)
index CREATE UNIQUE INDEX quota_warnings_pkey ON quota_warnings USING btree (customer_id, month, level)
index CREATE UNIQUE INDEX refunds_customer_id_key ON refunds USING btree (customer_id)
index CREATE UNIQUE INDEX refunds_pkey ON refunds USING btree (id)
index CREATE UNIQUE INDEX rejected_lines_file_line_no_raw_hash_key ON rejected_lines USING btree (file, line_no, raw_hash)
index CREATE INDEX rejected_lines_open ON rejected_lines USING btree (id) WHERE (resolved_at IS NULL)
index CREATE INDEX rejected_lines_open_since ON rejected_lines USING btree (rejected_at) WHERE (resolved_at IS NULL)
index CREATE UNIQUE INDEX rejected_lines_pkey ON rejected_lines USING btree (id)
index CREATE INDEX rejected_lines_to_redact ON rejected_lines USING btree (id) WHERE ((resolved_at IS NOT NULL) AND (redacted_at IS NULL))
index CREATE UNIQUE INDEX review_users_name_key ON review_users USING btree (name)
index CREATE UNIQUE INDEX review_users_pkey ON review_users USING btree (id)
index CREATE UNIQUE INDEX sending_ids_pkey ON sending_ids USING btree (sending_id)
index CREATE UNIQUE INDEX suspensions_one_active ON suspensions USING btree (customer_id, reason) WHERE (lifted_at IS NULL)
index CREATE UNIQUE INDEX suspensions_pkey ON suspensions USING btree (id)
index CREATE UNIQUE INDEX tax_rules_effective_from_key ON tax_rules USING btree (effective_from)
index CREATE UNIQUE INDEX tax_rules_pkey ON tax_rules USING btree (id)
index CREATE INDEX usage_deltas_customer_day ON usage_deltas USING btree (customer_id, day)

trigger credit_notes.credit_note_apply CREATE TRIGGER credit_note_apply BEFORE INSERT ON public.credit_notes FOR EACH ROW EXECUTE FUNCTION credit_note_apply()
trigger credit_notes.credit_note_excess CREATE TRIGGER credit_note_excess AFTER INSERT ON public.credit_notes FOR EACH ROW EXECUTE FUNCTION credit_note_excess()
trigger credit_notes.credit_notes_append_only CREATE TRIGGER credit_notes_append_only BEFORE DELETE OR UPDATE ON public.credit_notes FOR EACH ROW EXECUTE FUNCTION forbid_change()
trigger customer_credit_ledger.customer_credit_append_only CREATE TRIGGER customer_credit_append_only BEFORE DELETE OR UPDATE ON public.customer_credit_ledger FOR EACH ROW EXECUTE FUNCTION forbid_change()
trigger customer_credit_ledger.customer_credit_balance CREATE TRIGGER customer_credit_balance BEFORE INSERT ON public.customer_credit_ledger FOR EACH ROW EXECUTE FUNCTION customer_credit_balance()
trigger customers.customers_ingest_context CREATE TRIGGER customers_ingest_context AFTER INSERT OR DELETE OR UPDATE OF code, id OR TRUNCATE ON public.customers FOR EACH STATEMENT EXECUTE FUNCTION bump_ingest_context_version()
trigger customers.customers_never_deleted CREATE TRIGGER customers_never_deleted BEFORE DELETE ON public.customers FOR EACH ROW EXECUTE FUNCTION customers_never_deleted()
trigger deposit_ledger.deposit_ledger_append_only CREATE TRIGGER deposit_ledger_append_only BEFORE DELETE OR UPDATE ON public.deposit_ledger FOR EACH ROW EXECUTE FUNCTION forbid_change()
trigger deposit_ledger.deposit_ledger_balance CREATE TRIGGER deposit_ledger_balance BEFORE INSERT ON public.deposit_ledger FOR EACH ROW EXECUTE FUNCTION deposit_ledger_balance()
trigger invoices.invoices_buyer_snapshot CREATE TRIGGER invoices_buyer_snapshot BEFORE INSERT ON public.invoices FOR EACH ROW EXECUTE FUNCTION invoices_buyer_snapshot()
trigger messages.messages_keys_fixed CREATE TRIGGER messages_keys_fixed BEFORE UPDATE OF sending_id, customer_id, sent_at ON public.messages FOR EACH ROW EXECUTE FUNCTION messages_keys_fixed()
trigger messages.messages_sending_ids CREATE TRIGGER messages_sending_ids AFTER INSERT ON public.messages REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_register_sending_ids()
trigger messages.messages_usage_deleted CREATE TRIGGER messages_usage_deleted AFTER DELETE ON public.messages REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_usage_deleted()
trigger messages.messages_usage_inserted CREATE TRIGGER messages_usage_inserted AFTER INSERT ON public.messages REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_usage_inserted()
trigger messages.messages_usage_updated CREATE TRIGGER messages_usage_updated AFTER UPDATE ON public.messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_usage_updated()
trigger operator_prefixes.operator_prefixes_ingest_context CREATE TRIGGER operator_prefixes_ingest_context AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.operator_prefixes FOR EACH STATEMENT EXECUTE FUNCTION bump_ingest_context_version()
trigger prepaid_accounts.prepaid_accounts_ingest_context CREATE TRIGGER prepaid_accounts_ingest_context AFTER INSERT OR DELETE OR TRUNCATE ON public.prepaid_accounts FOR EACH STATEMENT EXECUTE FUNCTION bump_ingest_context_version()
trigger prepaid_accounts.prepaid_accounts_kept CREATE TRIGGER prepaid_accounts_kept BEFORE DELETE OR UPDATE OF customer_id ON public.prepaid_accounts FOR EACH ROW EXECUTE FUNCTION prepaid_accounts_kept()
trigger prepaid_ledger.prepaid_ledger_append_only CREATE TRIGGER prepaid_ledger_append_only BEFORE DELETE OR UPDATE ON public.prepaid_ledger FOR EACH ROW EXECUTE FUNCTION forbid_change()
trigger prepaid_ledger.prepaid_ledger_balance CREATE TRIGGER prepaid_ledger_balance BEFORE INSERT ON public.prepaid_ledger FOR EACH ROW EXECUTE FUNCTION prepaid_ledger_balance()
trigger products.products_ingest_context CREATE TRIGGER products_ingest_context AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.products FOR EACH STATEMENT EXECUTE FUNCTION bump_ingest_context_version()

view customer_credit_balances as SELECT c.id AS customer_id, c.code AS customer_code, COALESCE(( SELECT l.balance_after FROM customer_credit_ledger l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1), 0::bigint) AS balance FROM customers c;
view deposit_balances as SELECT c.id AS customer_id, c.code AS customer_code, COALESCE(( SELECT l.balance_after FROM deposit_ledger l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1), 0::bigint) AS balance FROM customers c;
view prepaid_balances as SELECT a.customer_id, COALESCE(( SELECT l.balance_after FROM prepaid_ledger l WHERE l.customer_id = a.customer_id ORDER BY l.id DESC LIMIT 1), 0::bigint) AS balance FROM prepaid_accounts a;
view sending_permission as SELECT c.code AS customer_code, c.status = 'active'::text AND NOT (EXISTS ( SELECT 1 FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL)) AS allowed, CASE WHEN c.status = 'closed'::text THEN 'closed'::text ELSE ( SELECT string_agg(s.reason, ','::text ORDER BY s.reason) AS string_agg FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL) END AS reason, COALESCE(q.usage, 0::bigint) AS usage, COALESCE(q.quota, quota_for(b.balance, c.quota_override)) AS quota, GREATEST(q.updated_at, ( SELECT max(GREATEST(s.since, s.lifted_at)) AS max FROM suspensions s WHERE s.customer_id = c.id)) AS updated_at FROM customers c JOIN deposit_balances b ON b.customer_id = c.id LEFT JOIN quota_status q ON q.customer_id = c.id WHERE c.billing = 'postpaid'::text UNION ALL SELECT c.code AS customer_code, c.status = 'active'::text AND p.balance > 0 AND NOT (EXISTS ( SELECT 1 FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL)) AS allowed, CASE WHEN c.status = 'closed'::text THEN 'closed'::text ELSE NULLIF(concat_ws(','::text, CASE WHEN p.balance <= 0 THEN 'balance'::text ELSE NULL::text END, ( SELECT string_agg(s.reason, ','::text ORDER BY s.reason) AS string_agg FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL)), ''::text) END AS reason, 0::bigint AS usage, p.balance AS quota, GREATEST(( SELECT max(l.created_at) AS max FROM prepaid_ledger l WHERE l.customer_id = c.id), ( SELECT max(GREATEST(s.since, s.lifted_at)) AS max FROM suspensions s WHERE s.customer_id = c.id)) AS updated_at FROM customers c JOIN prepaid_balances p ON p.customer_id = c.id WHERE c.billing = 'prepaid'::text;
