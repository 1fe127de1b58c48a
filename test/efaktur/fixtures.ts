import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { validateXML } from 'xmllint-wasm';
import { saveCustomers } from '../../src/customers/save-customers.ts';
import type { Db } from '../../src/db/connect.ts';
import type { BuyerTaxIdentity } from '../../src/domain/tax-ids.ts';
import { fakturFiguresOn } from '../fixtures/tax-rules.ts';

const XSD = path.resolve(import.meta.dirname, '../../templates/efaktur/coretax-taxinvoicebulk.xsd');

/** R17: validates an exported file against the committed XSD with xmllint (WASM). */
export async function validateAgainstXsd(file: string): Promise<ReadonlyArray<string>> {
  const result = await validateXML({
    xml: [{ fileName: path.basename(file), contents: await readFile(file, 'utf8') }],
    schema: [{ fileName: 'coretax-taxinvoicebulk.xsd', contents: await readFile(XSD, 'utf8') }],
    initialMemoryPages: 1024,
    maxMemoryPages: 8192,
  });
  return result.errors.map((e) => e.rawMessage);
}

export interface ParsedGoodService {
  Price: number;
  Qty: number;
  TaxBase: number;
  OtherTaxBase: number;
  VAT: number;
}
export interface ParsedTaxInvoice {
  RefDesc: string;
  TaxInvoiceDate: string;
  BuyerTin: string;
  ListOfGoodService: { GoodService: ParsedGoodService[] };
}

/** Reads a Coretax XML back (fast-xml-parser), every TaxInvoice and GoodService as a list. */
export async function readTaxInvoices(file: string): Promise<ParsedTaxInvoice[]> {
  const parser = new XMLParser({
    isArray: (name) => name === 'TaxInvoice' || name === 'GoodService',
    parseTagValue: true,
    numberParseOptions: { leadingZeros: false, hex: false },
  });
  const doc = parser.parse(await readFile(file, 'utf8'));
  return doc.TaxInvoiceBulk.ListOfTaxInvoice.TaxInvoice;
}

export async function addTaxCustomer(
  db: Db,
  code: string,
  name: string,
  taxIdentity: BuyerTaxIdentity | null,
  address: string | null = `Jl. ${code} No. 1, Jakarta`,
): Promise<void> {
  await saveCustomers(
    db,
    [
      {
        row: 2,
        customer: {
          code,
          name,
          emails: [`tax@${code.toLowerCase()}.example.id`],
          deposit: 10_000_000,
          address,
          npwp: null,
          paperInvoice: false,
          quotaOverride: null,
          taxIdentity,
        },
      },
    ],
    '2026-08-01',
    'opening deposit',
  );
}

export interface FixtureLine {
  readonly operator: string;
  readonly parts: number;
  readonly unitPrice: number | null;
  readonly amount: number;
}

/** Inserts an issued invoice as the invoice run stores it; tax defaults to R6's figure for the date. */
export async function insertInvoice(
  db: Db,
  inv: {
    readonly customer: string;
    readonly sequence: number;
    readonly period: string;
    readonly invoiceDate: string;
    readonly lines: ReadonlyArray<FixtureLine>;
    readonly tax?: number;
    readonly status?: 'issued' | 'void';
    /** invoices.template_version; the column's default (1) when absent. */
    readonly templateVersion?: number;
  },
): Promise<string> {
  const subtotal = inv.lines.reduce((a, l) => a + l.amount, 0);
  const tax = inv.tax ?? fakturFiguresOn(subtotal, inv.invoiceDate).ppn;
  const number = `INV/${inv.invoiceDate.slice(0, 4)}/${inv.invoiceDate.slice(5, 7)}/${String(inv.sequence).padStart(5, '0')}`;
  const parts = inv.lines.reduce((a, l) => a + l.parts, 0);
  const { rows } = await sql<{ id: number }>`
    insert into invoices (number, year, sequence, customer_id, period, period_end, invoice_date, due_date, messages,
      parts, subtotal, tax, total, tax_label, deposit_balance, quota, snapshot, status, template_version)
    select ${number}, ${Number(inv.invoiceDate.slice(0, 4))}, ${inv.sequence}, c.id, ${inv.period}::date,
      (${inv.period}::date + interval '1 month' - interval '1 day')::date, ${inv.invoiceDate}::date,
      ${inv.invoiceDate}::date + 14, ${parts}, ${parts}, ${subtotal}, ${tax}, ${subtotal + tax}, 'PPN 12%',
      10000000, 20000000, pg_current_snapshot(), ${inv.status ?? 'issued'}, ${inv.templateVersion ?? 1}
    from customers c where c.code = ${inv.customer}
    returning id`.execute(db);
  const id = rows[0]!.id;
  for (const l of inv.lines) {
    await sql`
      insert into invoice_lines (invoice_id, product, operator, messages, parts, unit_price, amount, price_list_id)
      select ${id}, 'whatsapp_otp', ${l.operator}, ${l.parts}, ${l.parts}, ${l.unitPrice}, ${l.amount}, p.id
      from price_lists p where p.product = 'whatsapp_otp' and p.customer_id is null order by p.id limit 1`.execute(
      db,
    );
  }
  return number;
}
