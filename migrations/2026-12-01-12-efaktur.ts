import { type Kysely, sql } from 'kysely';

// R17: the buyer's tax identity per customer, a log of what went into which Coretax XML, and the faktur
// numbers Coretax gave back (kept beside the invoice: an issued invoice is never edited, R16).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table customers
      add column buyer_document text check (buyer_document in ('TIN', 'NIK', 'passport', 'other')),
      add column buyer_document_number text,
      add column buyer_nitku text check (buyer_nitku ~ '^[0-9]{22}$'),
      add column buyer_country text not null default 'IDN' check (buyer_country ~ '^[A-Z]{3}$'),
      add constraint customers_buyer_document_number
        check ((buyer_document is null) = (buyer_document_number is null)),
      add constraint customers_buyer_document_digits
        check (buyer_document not in ('TIN', 'NIK') or buyer_document_number ~ '^[0-9]{16}$');

    -- An NPWP entered before (15 or 16 digits, as printed) becomes the TIN identity, as Coretax converts it.
    update customers
       set buyer_document = 'TIN',
           buyer_document_number = lpad(regexp_replace(npwp, '[[:space:]./-]', '', 'g'), 16, '0')
     where regexp_replace(npwp, '[[:space:]./-]', '', 'g') ~ '^[0-9]{15,16}$';

    create table efaktur_exports (
      id bigint generated always as identity primary key,
      invoice_id bigint not null references invoices (id),
      period date not null,
      file_seq integer not null check (file_seq >= 1),
      file text not null,
      vat bigint not null check (vat >= 0),
      again boolean not null default false,
      exported_at timestamptz not null default now()
    );
    create index efaktur_exports_invoice on efaktur_exports (invoice_id);
    create index efaktur_exports_period on efaktur_exports (period, file_seq);

    create table faktur_numbers (
      invoice_id bigint primary key references invoices (id),
      faktur_number text not null unique check (faktur_number ~ '^[0-9]{17}$'),
      faktur_date date not null,
      source text not null,
      imported_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table faktur_numbers;
    drop table efaktur_exports;
    alter table customers
      drop column buyer_document, drop column buyer_document_number, drop column buyer_nitku, drop column buyer_country;
  `.execute(db);
}
