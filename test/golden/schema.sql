-- The schema the migrations build (test/db/schema-golden.test.ts). UPDATE_GOLDEN=1 rewrites it.

function customers_never_deleted() returns trigger: begin raise exception 'customers are never deleted (their messages and invoices refer to them)' using hint = 'close the account instead: npm run accounts -- close'; end
function delivery_status_rank(s smallint) returns integer: select case s when 7 then 1 when 2 then 2 when 3 then 3 when 4 then 4 else null end
function deposit_ledger_balance() returns trigger: begin -- Serialise entries per customer, so racing settlements cannot both spend the same rupiah. perform 1 from customers where id = new.customer_id for update; new.balance_after := coalesce( (select balance_after from deposit_ledger where customer_id = new.customer_id order by id desc limit 1), 0 ) + new.amount; return new; end
function ensure_messages_partition(p_month date) returns boolean: declare month_start date := date_trunc('month', p_month)::date; part_name text := 'messages_' || to_char(month_start, 'YYYY_MM'); lo timestamptz := month_start::timestamp at time zone 'Asia/Jakarta'; hi timestamptz := (month_start + interval '1 month')::timestamp at time zone 'Asia/Jakarta'; begin if to_regclass(part_name) is not null then return false; end if; if exists (select 1 from messages_default where sent_at >= lo and sent_at < hi) then alter table messages detach partition messages_default; execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi); -- straight into the partition: their sendingids are registered already execute format('insert into %I (sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid, ingested_at) select sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, characters, billable_characters, parts, content_hash, message_text, delivery_updated_at, ingest_xid, delivery_xid, ingested_at from messages_default where sent_at >= %L and sent_at < %L', part_name, lo, hi); delete from messages_default where sent_at >= lo and sent_at < hi; alter table messages attach partition messages_default default; else execute format('create table %I partition of messages for values from (%L) to (%L)', part_name, lo, hi); end if; return true; end
function forbid_change() returns trigger: begin raise exception '% is append-only: add a correcting entry instead', tg_table_name; end
function merge_delivery_status(cur smallint, inc smallint) returns smallint: select case when cur is null then inc when inc is null then cur when cur in (5, 6) then cur when inc in (5, 6) then inc when delivery_status_rank(inc) > delivery_status_rank(cur) then inc else cur end
function messages_keys_fixed() returns trigger: begin raise exception 'the sendingid, customer and sent_at of a loaded message never change (sending_id %)', old.sending_id using hint = 'load a corrected line with a new sendingid instead'; end
function messages_register_sending_ids() returns trigger: begin insert into sending_ids (sending_id, customer_id, sent_at) select sending_id, customer_id, sent_at from new_rows; return null; end
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
table customer_api_ips.customer_id bigint not null
table customer_api_ips.network cidr not null
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
table price_lists.id bigint not null identity
table price_lists.product text not null
table price_lists.customer_id bigint
table price_lists.name text not null
table price_lists.mode text not null default 'volume'::text
table price_lists.effective_from date not null
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
table sending_ids.sending_id bigint not null
table sending_ids.customer_id bigint not null
table sending_ids.sent_at timestamp with time zone not null
table review_users.id bigint not null identity
table review_users.name text not null
table review_users.password_hash text not null
table review_users.created_at timestamp with time zone not null default now()
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

constraint api_keys.api_keys_check CHECK (((kind = 'customer'::text) = (customer_id IS NOT NULL)))
constraint api_keys.api_keys_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint api_keys.api_keys_key_hash_check CHECK ((length(key_hash) = 32))
constraint api_keys.api_keys_key_hash_key UNIQUE (key_hash)
constraint api_keys.api_keys_kind_check CHECK ((kind = ANY (ARRAY['gateway'::text, 'customer'::text])))
constraint api_keys.api_keys_name_check CHECK ((btrim(name) <> ''::text))
constraint api_keys.api_keys_pkey PRIMARY KEY (id)
constraint customer_api_ips.customer_api_ips_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint customer_api_ips.customer_api_ips_pkey PRIMARY KEY (customer_id, network)
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
constraint invoice_counters.invoice_counters_last_number_check CHECK ((last_number >= 0))
constraint invoice_counters.invoice_counters_pkey PRIMARY KEY (year)
constraint invoice_events.invoice_events_event_check CHECK ((event = ANY (ARRAY['issued'::text, 'approved'::text, 'held'::text, 'voided'::text, 'reissued'::text, 'replaced'::text, 'payment'::text, 'settled_from_deposit'::text])))
constraint invoice_events.invoice_events_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint invoice_events.invoice_events_pkey PRIMARY KEY (id)
constraint invoice_lines.invoice_lines_amount_check CHECK ((amount >= 0))
constraint invoice_lines.invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id)
constraint invoice_lines.invoice_lines_messages_check CHECK ((messages >= 0))
constraint invoice_lines.invoice_lines_operator_fkey FOREIGN KEY (operator) REFERENCES operators(id)
constraint invoice_lines.invoice_lines_parts_check CHECK ((parts >= 0))
constraint invoice_lines.invoice_lines_pkey PRIMARY KEY (invoice_id, product, operator)
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
constraint invoices.invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint invoices.invoices_deposit_balance_check CHECK ((deposit_balance >= 0))
constraint invoices.invoices_kind_check CHECK ((kind = ANY (ARRAY['monthly'::text, 'final'::text])))
constraint invoices.invoices_messages_check CHECK ((messages >= 0))
constraint invoices.invoices_number_key UNIQUE (number)
constraint invoices.invoices_parts_check CHECK ((parts >= 0))
constraint invoices.invoices_period_check CHECK ((EXTRACT(day FROM period) = (1)::numeric))
constraint invoices.invoices_pkey PRIMARY KEY (id)
constraint invoices.invoices_quota_check CHECK ((quota >= 0))
constraint invoices.invoices_replaces_invoice_id_fkey FOREIGN KEY (replaces_invoice_id) REFERENCES invoices(id)
constraint invoices.invoices_review_state_check CHECK ((review_state = ANY (ARRAY['awaiting_review'::text, 'approved'::text, 'held'::text])))
constraint invoices.invoices_sequence_check CHECK ((sequence >= 1))
constraint invoices.invoices_status_check CHECK ((status = ANY (ARRAY['issued'::text, 'partially_paid'::text, 'paid'::text, 'settled_from_deposit'::text, 'void'::text])))
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
constraint price_lists.price_lists_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint price_lists.price_lists_mode_check CHECK ((mode = ANY (ARRAY['volume'::text, 'graduated'::text])))
constraint price_lists.price_lists_pkey PRIMARY KEY (id)
constraint price_lists.price_lists_product_customer_id_effective_from_key UNIQUE NULLS NOT DISTINCT (product, customer_id, effective_from)
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
constraint sending_ids.sending_ids_pkey PRIMARY KEY (sending_id)
constraint review_users.review_users_name_check CHECK ((name ~ '^[a-z0-9][a-z0-9._-]{0,39}$'::text))
constraint review_users.review_users_name_key UNIQUE (name)
constraint review_users.review_users_password_hash_check CHECK ((password_hash ~~ 'scrypt$%'::text))
constraint review_users.review_users_pkey PRIMARY KEY (id)
constraint suspensions.suspensions_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id)
constraint suspensions.suspensions_pkey PRIMARY KEY (id)
constraint suspensions.suspensions_reason_check CHECK ((reason = ANY (ARRAY['quota'::text, 'unpaid'::text, 'closed'::text])))
constraint tax_rules.tax_rules_dpp_denominator_check CHECK ((dpp_denominator > 0))
constraint tax_rules.tax_rules_dpp_numerator_check CHECK ((dpp_numerator > 0))
constraint tax_rules.tax_rules_effective_from_key UNIQUE (effective_from)
constraint tax_rules.tax_rules_pkey PRIMARY KEY (id)
constraint tax_rules.tax_rules_rate_percent_check CHECK (((rate_percent >= 0) AND (rate_percent <= 100)))

index CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys USING btree (key_hash)
index CREATE UNIQUE INDEX api_keys_one_gateway_name ON api_keys USING btree (name) WHERE ((kind = 'gateway'::text) AND (revoked_at IS NULL))
index CREATE UNIQUE INDEX api_keys_pkey ON api_keys USING btree (id)
index CREATE UNIQUE INDEX customer_api_ips_pkey ON customer_api_ips USING btree (customer_id, network)
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
index CREATE UNIQUE INDEX invoice_counters_pkey ON invoice_counters USING btree (year)
index CREATE INDEX invoice_events_invoice ON invoice_events USING btree (invoice_id, id)
index CREATE UNIQUE INDEX invoice_events_pkey ON invoice_events USING btree (id)
index CREATE UNIQUE INDEX invoice_lines_pkey ON invoice_lines USING btree (invoice_id, product, operator)
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
index CREATE UNIQUE INDEX price_lists_pkey ON price_lists USING btree (id)
index CREATE UNIQUE INDEX price_lists_product_customer_id_effective_from_key ON price_lists USING btree (product, customer_id, effective_from) NULLS NOT DISTINCT
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
index CREATE UNIQUE INDEX sending_ids_pkey ON sending_ids USING btree (sending_id)
index CREATE UNIQUE INDEX review_users_name_key ON review_users USING btree (name)
index CREATE UNIQUE INDEX review_users_pkey ON review_users USING btree (id)
index CREATE UNIQUE INDEX suspensions_one_active ON suspensions USING btree (customer_id, reason) WHERE (lifted_at IS NULL)
index CREATE UNIQUE INDEX suspensions_pkey ON suspensions USING btree (id)
index CREATE UNIQUE INDEX tax_rules_effective_from_key ON tax_rules USING btree (effective_from)
index CREATE UNIQUE INDEX tax_rules_pkey ON tax_rules USING btree (id)

trigger customers.customers_never_deleted CREATE TRIGGER customers_never_deleted BEFORE DELETE ON public.customers FOR EACH ROW EXECUTE FUNCTION customers_never_deleted()
trigger deposit_ledger.deposit_ledger_append_only CREATE TRIGGER deposit_ledger_append_only BEFORE DELETE OR UPDATE ON public.deposit_ledger FOR EACH ROW EXECUTE FUNCTION forbid_change()
trigger deposit_ledger.deposit_ledger_balance CREATE TRIGGER deposit_ledger_balance BEFORE INSERT ON public.deposit_ledger FOR EACH ROW EXECUTE FUNCTION deposit_ledger_balance()
trigger messages.messages_keys_fixed CREATE TRIGGER messages_keys_fixed BEFORE UPDATE OF sending_id, customer_id, sent_at ON public.messages FOR EACH ROW EXECUTE FUNCTION messages_keys_fixed()
trigger messages.messages_sending_ids CREATE TRIGGER messages_sending_ids AFTER INSERT ON public.messages REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION messages_register_sending_ids()

view deposit_balances as SELECT c.id AS customer_id, c.code AS customer_code, COALESCE(( SELECT l.balance_after FROM deposit_ledger l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1), 0::bigint) AS balance FROM customers c;
view sending_permission as SELECT c.code AS customer_code, c.status = 'active'::text AND NOT (EXISTS ( SELECT 1 FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL)) AS allowed, CASE WHEN c.status = 'closed'::text THEN 'closed'::text ELSE ( SELECT string_agg(s.reason, ','::text ORDER BY s.reason) AS string_agg FROM suspensions s WHERE s.customer_id = c.id AND s.lifted_at IS NULL) END AS reason, COALESCE(q.usage, 0::bigint) AS usage, COALESCE(q.quota, quota_for(b.balance, c.quota_override)) AS quota, GREATEST(q.updated_at, ( SELECT max(GREATEST(s.since, s.lifted_at)) AS max FROM suspensions s WHERE s.customer_id = c.id)) AS updated_at FROM customers c JOIN deposit_balances b ON b.customer_id = c.id LEFT JOIN quota_status q ON q.customer_id = c.id WHERE c.billing = 'postpaid'::text;
