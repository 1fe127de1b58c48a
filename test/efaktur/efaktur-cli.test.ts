import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePdfOnDisk } from '../../src/billing/invoicing/invoice-files.ts';
import { loadConfig } from '../../src/config.ts';
import { invoicePathsOf } from '../../src/documents/invoice-paths.ts';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { fakturNumberOfInvoice } from '../../src/efaktur/faktur-number.ts';
import { fakturFiguresOn } from '../fixtures/tax-rules.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tempDir } from '../support/fixtures.ts';
import { pdfText } from '../support/pdf-text.ts';
import { runCli } from '../support/run-cli.ts';
import { addTaxCustomer, insertInvoice, readTaxInvoices, validateAgainstXsd } from './fixtures.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;
const SELLER = { TAGIH_SELLER_NPWP: '01.234.567.8-501.000', TAGIH_SELLER_NITKU: '0012345678501000000000' };
const numbers: Record<string, string> = {};

async function invoiceIdOf(number: string): Promise<number> {
  const row = await t.db
    .selectFrom('invoices')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-efaktur-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out'), ...SELLER };
  const tin = (n: string) => ({
    documentType: 'TIN' as const,
    documentNumber: n,
    nitku: null,
    country: 'IDN',
  });
  await addTaxCustomer(t.db, 'ALFA', 'PT Alfa & Omega <Tbk>', tin('0012345678012000'));
  await addTaxCustomer(t.db, 'BETA', 'Budi Santoso', {
    documentType: 'NIK',
    documentNumber: '3174012345670001',
    nitku: '3174012345670001000001',
    country: 'IDN',
  });
  await addTaxCustomer(t.db, 'GAMA', 'Gama Pte Ltd', {
    documentType: 'passport',
    documentNumber: 'A1234567',
    nitku: null,
    country: 'SGP',
  });
  await addTaxCustomer(t.db, 'DELTA', 'PT Delta Kontrak', tin('0023456789423000'));
  await addTaxCustomer(t.db, 'EPSI', 'PT Epsilon', tin('0034567890511000'));
  await addTaxCustomer(t.db, 'ZETA', 'PT Zeta Tanpa NPWP', null);
  await addTaxCustomer(t.db, 'ETA', 'PT Eta', tin('0045678901541000'));
  await addTaxCustomer(t.db, 'THETA', 'PT Theta', tin('0056789012609000'), null);
  await addTaxCustomer(t.db, 'IOTA', 'PT Iota', tin('0067890123904000'));
  const month = { period: '2026-09-01', invoiceDate: '2026-10-01' };
  const at = (operator: string, parts: number, unitPrice: number) => ({
    operator,
    parts,
    unitPrice,
    amount: parts * unitPrice,
  });
  numbers.ALFA = await insertInvoice(t.db, {
    customer: 'ALFA',
    sequence: 1,
    ...month,
    templateVersion: 3, // R17: its PDF has the No. Faktur Pajak field
    lines: [at('telkomsel', 1234, 340), at('xl', 777, 340)],
  });
  numbers.BETA = await insertInvoice(t.db, {
    customer: 'BETA',
    sequence: 2,
    ...month,
    lines: [at('indosat', 999, 350)],
  });
  numbers.GAMA = await insertInvoice(t.db, {
    customer: 'GAMA',
    sequence: 3,
    ...month,
    lines: [at('telkomsel', 10, 350), at('three', 7, 350), at('other', 3, 350)],
  });
  numbers.DELTA = await insertInvoice(t.db, {
    customer: 'DELTA',
    sequence: 4,
    ...month,
    lines: [{ operator: 'telkomsel', parts: 1500, unitPrice: null, amount: 512_300 }],
  });
  numbers.EPSI = await insertInvoice(t.db, {
    customer: 'EPSI',
    sequence: 5,
    ...month,
    lines: [at('xl', 5, 350)],
    status: 'void',
  });
  numbers.ZETA = await insertInvoice(t.db, {
    customer: 'ZETA',
    sequence: 6,
    ...month,
    lines: [at('xl', 20, 350)],
  });
  // The old floor rule's PPN (38 461) where R6 now gives 38 462.
  numbers.ETA = await insertInvoice(t.db, {
    customer: 'ETA',
    sequence: 7,
    ...month,
    lines: [at('telkomsel', 999, 350)],
    tax: 38_461,
  });
  numbers.THETA = await insertInvoice(t.db, {
    customer: 'THETA',
    sequence: 8,
    ...month,
    lines: [at('xl', 30, 350)],
  });
  numbers.IOTA = await insertInvoice(t.db, {
    customer: 'IOTA',
    sequence: 1,
    period: '2026-09-01',
    invoiceDate: '2099-01-01',
    lines: [at('xl', 40, 350)],
  });
});
afterAll(async () => {
  await t.close();
});

const file1 = () => path.join(dir, 'out', '2026-09', 'efaktur', 'coretax-2026-09-001.xml');

describe('R17: efaktur check and export of a month', () => {
  it('R17: check lists the customers with incomplete tax data and what is missing, and the invoices that fail', async () => {
    const r = await runCli('efaktur', ['check', '--month', '2026-09'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '2026-09: 8 invoice(s) to export, 0 already exported; 2 customer(s) with incomplete tax data.',
    );
    expect(r.stdout).toMatch(/THETA \(PT Theta\), 1 invoice\(s\):\n\s+BuyerAdress: no address/);
    expect(r.stdout).toMatch(
      /ZETA \(PT Zeta Tanpa NPWP\), 1 invoice\(s\):\n\s+BuyerDocument: no buyer tax identity/,
    );
    expect(r.stdout).toContain(
      `invoice ${numbers.ETA}: VAT: the invoice's PPN is 38.461 but R6 gives 38.462`,
    );
    expect(r.stdout).toContain(`invoice ${numbers.IOTA}: TaxInvoiceDate: 2099-01-01 is after today`);
    expect(r.stdout).not.toContain('demo default');
  });

  it('R17: export refuses each failing invoice by number with the field at fault, and exports the rest', async () => {
    const r = await runCli('efaktur', ['export', '--month', '2026-09'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '2026-09: 4 invoice(s) exported in 1 file(s), 4 refused, 0 already exported earlier.',
    );
    expect(r.stdout).toContain(`refused ${numbers.ZETA} (ZETA): BuyerDocument:`);
    expect(r.stdout).toContain(`refused ${numbers.ETA} (ETA): VAT:`);
    expect(r.stdout).toContain(`refused ${numbers.THETA} (THETA): BuyerAdress: no address`);
    expect(r.stdout).toContain(`refused ${numbers.IOTA} (IOTA): TaxInvoiceDate:`);
    const invoices = await readTaxInvoices(file1());
    expect(invoices.map((i) => i.RefDesc)).toEqual([numbers.ALFA, numbers.BETA, numbers.GAMA, numbers.DELTA]);
    expect(invoices.map((i) => i.RefDesc)).not.toContain(numbers.EPSI); // void: left out
  });

  it('R17: the file matches the golden XML and is valid against the committed XSD', async () => {
    const xml = await readFile(file1(), 'utf8');
    const goldenUrl = new URL('../golden/efaktur-coretax-2026-09-001.xml', import.meta.url);
    const golden = await readFile(goldenUrl, 'utf8').catch(() => null);
    if (process.env.UPDATE_GOLDEN || golden === null) await writeFile(goldenUrl, xml);
    else expect(xml).toBe(golden);
    expect(await validateAgainstXsd(file1())).toEqual([]);
  });

  it('R6: every invoice in the file adds up to its stored figures to the rupiah; Σ VAT = Σ tax', async () => {
    const stored = await t.db
      .selectFrom('invoices')
      .select(['number', 'subtotal', 'tax', sql<string>`invoice_date::text`.as('date')])
      .where('period', '=', '2026-09-01')
      .execute();
    const byNumber = new Map(stored.map((s) => [s.number, s]));
    let vat = 0;
    for (const inv of await readTaxInvoices(file1())) {
      const s = byNumber.get(inv.RefDesc)!;
      const lines = inv.ListOfGoodService.GoodService;
      const sum = (f: (g: (typeof lines)[number]) => number) => lines.reduce((a, g) => a + f(g), 0);
      expect(sum((g) => g.Price * g.Qty)).toBe(s.subtotal);
      expect(sum((g) => g.TaxBase)).toBe(s.subtotal);
      expect(sum((g) => g.OtherTaxBase)).toBe(fakturFiguresOn(s.subtotal, s.date).dpp);
      expect(sum((g) => g.VAT)).toBe(s.tax);
      vat += sum((g) => g.VAT);
    }
    const exported = await t.db
      .selectFrom('efaktur_exports')
      .select((eb) => eb.fn.sum<string>('vat').as('vat'))
      .executeTakeFirstOrThrow();
    expect(vat).toBe(Number(exported.vat));
  });

  it('R17: an invoice already exported is not exported again; once fixed, the refused one goes in the next file; --again repeats all', async () => {
    const again = await runCli('efaktur', ['export', '--month', '2026-09', '--json'], env);
    const first = JSON.parse(again.stdout);
    expect(first).toMatchObject({ exported: 0, already_exported: 4, files: [] });
    await sql`update customers set buyer_document = 'TIN', buyer_document_number = '0078901234073000' where code = 'ZETA'`.execute(
      t.db,
    );
    const fixed = JSON.parse(
      (await runCli('efaktur', ['export', '--month', '2026-09', '--json'], env)).stdout,
    );
    expect(fixed.exported).toBe(1);
    expect(path.basename(fixed.files[0].file)).toBe('coretax-2026-09-002.xml');
    const all = JSON.parse(
      (await runCli('efaktur', ['export', '--month', '2026-09', '--again', '--json'], env)).stdout,
    );
    expect(all.exported).toBe(5);
    await sql`update invoices set status = 'void', void_reason = 'test' where number = ${numbers.GAMA!}`.execute(
      t.db,
    );
    const voided = await runCli('efaktur', ['export', '--month', '2026-09'], env);
    expect(voided.stdout).toContain(
      `${numbers.GAMA} was exported earlier and is void now: cancel its faktur in Coretax`,
    );
    await sql`update invoices set status = 'issued', void_reason = null where number = ${numbers.GAMA!}`.execute(
      t.db,
    );
    expect(path.basename(all.files[0].file)).toBe('coretax-2026-09-003.xml');
    expect(await validateAgainstXsd(all.files[0].file)).toEqual([]);
  });

  it('R17: the XSD refuses what Coretax would: a fraction of a rupiah, another TrxCode, a short TIN', async () => {
    const xml = await readFile(file1(), 'utf8');
    const bad = path.join(dir, 'tampered.xml');
    await writeFile(
      bad,
      xml
        .replace('<TrxCode>04</TrxCode>', '<TrxCode>01</TrxCode>')
        .replace(/<VAT>(\d+)<\/VAT>/, '<VAT>$1.5</VAT>')
        .replace('<TIN>0012345678501000</TIN>', '<TIN>12345678501000</TIN>'),
    );
    const errors = await validateAgainstXsd(bad);
    expect(errors.join('\n')).toMatch(/TrxCode/);
    expect(errors.join('\n')).toMatch(/VAT/);
    expect(errors.join('\n')).toMatch(/TIN/);
  });
});

describe('R17: seller NPWP and NITKU in configuration', () => {
  it.each([
    [
      { TAGIH_SELLER_NPWP: '12345' },
      /Configuration: TAGIH_SELLER_NPWP: NPWP '12345' is not an NPWP; expected 16 digits/,
    ],
    [
      { TAGIH_SELLER_NITKU: '0012345678501000' },
      /Configuration: TAGIH_SELLER_NITKU: NITKU .* expected 22 digits/,
    ],
    [
      { TAGIH_SELLER_NITKU: '0099999999999999000000' },
      /TAGIH_SELLER_NITKU=0099999999999999000000 does not begin with TAGIH_SELLER_NPWP/,
    ],
    [
      { TAGIH_COMPANY_NPWP: '01.999.999.9-999.000' },
      /TAGIH_COMPANY_NPWP=01\.999\.999\.9-999\.000 is not the same NPWP as TAGIH_SELLER_NPWP=0012345678501000; set both to the seller's NPWP \(the first may keep the old 15-digit form, e\.g\. 01\.234\.567\.8-501\.000\)/,
    ],
  ])('R17: %o stops the command with a message naming the key', async (bad, message) => {
    const r = await runCli('efaktur', ['check', '--month', '2026-09'], { ...env, ...bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('R17: the older TAGIH_COMPANY_NPWP may give the same NPWP in its 15-digit form', () => {
    const config = loadConfig({ ...SELLER, TAGIH_COMPANY_NPWP: '01.234.567.8-501.000' });
    expect(config.seller.npwp).toBe('0012345678501000');
    expect(config.company.npwp).toBe('01.234.567.8-501.000');
  });

  it('R17: the demo default is plainly fake and the commands say so', async () => {
    const r = await runCli('efaktur', ['check', '--month', '2026-09'], {
      DATABASE_URL: t.url,
      TAGIH_OUT: env.TAGIH_OUT!,
      TAGIH_SELLER_NPWP: '',
      TAGIH_SELLER_NITKU: '',
    });
    expect(r.stdout).toContain('TAGIH_SELLER_NPWP is the demo default (all zeros)');
  });
});

describe('R17: faktur numbers back from Coretax', () => {
  it('R17: a plain CSV stores each number on its invoice and reports a row with no match', async () => {
    const csv = path.join(dir, 'numbers.csv');
    await writeFile(
      csv,
      [
        'reference,tax_invoice_number,date',
        `${numbers.ALFA},04002600000000001,2026-10-01`,
        `${numbers.BETA},04.00.26.00000000002,01/10/2026`,
        'INV/2026/10/99999,04002600000000003,2026-10-01',
        `${numbers.GAMA},0400260000000,2026-10-01`,
      ].join('\n'),
    );
    // R17: ALFA's invoice (template version 3) has its PDF on disk, rendered before any faktur number was known.
    const cfg = loadConfig(env);
    const alfaId = await invoiceIdOf(numbers.ALFA!);
    const alfaPdf = (await invoicePdfOnDisk(t.db, cfg, alfaId))!;
    const betaPdf = (await invoicePdfOnDisk(t.db, cfg, await invoiceIdOf(numbers.BETA!)))!;
    expect(alfaPdf.file).toBe(invoicePathsOf(cfg.outDir, '2026-09', numbers.ALFA!, 'ALFA').pdf);
    await mkdir(path.dirname(alfaPdf.file), { recursive: true });
    const issued = await renderInvoicePdf(alfaPdf.data);
    await writeFile(alfaPdf.file, issued);

    const r = await runCli('efaktur', ['import-numbers', csv], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('(plain form): 4 row(s), 2 stored, 0 unchanged, 1 unmatched, 1 refused.');
    expect(r.stdout).toContain('1 PDF(s) re-rendered with No. Faktur Pajak.');
    expect(r.stdout).toContain(
      '1 PDF(s) kept as issued: template version 1 has no No. Faktur Pajak field (version 3 on has)',
    );
    const rerendered = await readFile(alfaPdf.file);
    expect(rerendered.equals(issued)).toBe(false);
    expect(await pdfText(rerendered)).toContain('No. Faktur Pajak Tax invoice no. 04002600000000001');
    // The same bytes as a fresh render of the invoice now: the month run's file, atomically replaced.
    const now = (await invoicePdfOnDisk(t.db, cfg, alfaId))!;
    expect(rerendered.equals(await renderInvoicePdf(now.data))).toBe(true);
    expect(existsSync(betaPdf.file)).toBe(false);
    expect(r.stdout).toContain('row 4 (INV/2026/10/99999): unmatched: no invoice numbered INV/2026/10/99999');
    expect(r.stdout).toMatch(
      /row 5 \(INV\/2026\/10\/00003\): faktur number '0400260000000' is not 17 digits/,
    );
    const alfa = await t.db
      .selectFrom('invoices')
      .select('id')
      .where('number', '=', numbers.ALFA!)
      .executeTakeFirstOrThrow();
    expect(await fakturNumberOfInvoice(t.db, alfa.id)).toEqual({
      number: '04002600000000001',
      date: '2026-10-01',
    });
    const before = await sql`select * from faktur_numbers order by invoice_id`.execute(t.db);
    const second = await runCli('efaktur', ['import-numbers', csv, '--json'], env);
    expect(JSON.parse(second.stdout)).toMatchObject({
      stored: 0,
      unchanged: 2,
      pdfs: { rerendered: [], kept_as_issued: [] },
    });
    expect((await readFile(alfaPdf.file)).equals(rerendered)).toBe(true);
    expect((await sql`select * from faktur_numbers order by invoice_id`.execute(t.db)).rows).toEqual(
      before.rows,
    );
  });

  it("R17: Coretax's own export is read by its column names; only APPROVED faktur are stored; conflicts are refused", async () => {
    const csv = path.join(dir, 'coretax-export.csv');
    await writeFile(
      csv,
      [
        'RecordId;TaxInvoiceCode;TaxInvoiceNumber;TaxInvoiceDate;TaxInvoicePeriod;TaxInvoiceYear;TaxInvoiceStatus;BuyerTIN;BuyerName;SellingPrice;OtherTaxBase;VAT;Reference',
        `1;040;04002600000000004;2026-10-01T00:00:00;10;2026;APPROVED;0000000000000000;Gama Pte Ltd;7000;6417;770;${numbers.GAMA}`,
        `2;040;04002600000000005;2026-10-01T00:00:00;10;2026;CREATED;0023456789423000;PT Delta Kontrak;512300;469608;56353;${numbers.DELTA}`,
        `3;040;04002600000000009;2026-10-01T00:00:00;10;2026;APPROVED;0012345678012000;PT Alfa;683740;626762;75211;${numbers.ALFA}`,
        `4;040;04002600000000001;2026-10-01T00:00:00;10;2026;APPROVED;0078901234073000;PT Zeta;7000;6417;770;${numbers.ZETA}`,
      ].join('\n'),
    );
    const r = await runCli('efaktur', ['import-numbers', csv], env);
    expect(r.stdout).toContain('(coretax form): 4 row(s), 1 stored, 0 unchanged, 0 unmatched, 3 refused.');
    expect(r.stdout).toMatch(
      /row 3 \(INV\/2026\/10\/00004\): status CREATED: only APPROVED faktur are stored/,
    );
    expect(r.stdout).toMatch(
      /row 4 \(INV\/2026\/10\/00001\): invoice INV\/2026\/10\/00001 already has faktur 04002600000000001/,
    );
    expect(r.stdout).toMatch(
      /row 5 \(INV\/2026\/10\/00006\): faktur 04002600000000001 already belongs to invoice INV\/2026\/10\/00001/,
    );
  });

  it('R17: a PDF that cannot be rewritten stores no number; once it can, the import re-renders it', async () => {
    await addTaxCustomer(t.db, 'OMEGA', 'PT Omega', {
      documentType: 'TIN',
      documentNumber: '0089012345678000',
      nitku: null,
      country: 'IDN',
    });
    const number = await insertInvoice(t.db, {
      customer: 'OMEGA',
      sequence: 50,
      period: '2026-09-01',
      invoiceDate: '2026-10-01',
      lines: [{ operator: 'xl', parts: 20, unitPrice: 350, amount: 7_000 }],
      templateVersion: 3,
    });
    const id = await invoiceIdOf(number);
    const { file } = (await invoicePdfOnDisk(t.db, loadConfig(env), id))!;
    // A folder where the PDF should be: the atomic rename over it fails.
    await mkdir(file, { recursive: true });
    const csv = path.join(dir, 'kappa.csv');
    await writeFile(csv, `reference,tax_invoice_number,date\n${number},04002600000000050,2026-10-01\n`);
    const failed = await runCli('efaktur', ['import-numbers', csv], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`The PDF of ${number} could not be rewritten at ${file}`);
    expect(failed.stderr).toContain('nothing was imported');
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await fakturNumberOfInvoice(t.db, id)).toBeNull();

    await rm(file, { recursive: true });
    const again = await runCli('efaktur', ['import-numbers', csv], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('1 stored');
    expect(again.stdout).toContain('1 PDF(s) re-rendered with No. Faktur Pajak.');
    expect(await pdfText(await readFile(file))).toContain(
      'No. Faktur Pajak Tax invoice no. 04002600000000050',
    );
  });

  it('R17: a file without the columns is refused, naming both accepted forms', async () => {
    const csv = path.join(dir, 'wrong.csv');
    await writeFile(csv, 'invoice,number\nINV/1,2\n');
    const r = await runCli('efaktur', ['import-numbers', csv], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected reference,tax_invoice_number,date or Coretax's export/);
  });
});

describe('R16/R17: credit notes of the month in the export', () => {
  it('R17: export lists each credit note with the invoice it corrects, its faktur, DPP and PPN, and the Coretax step', async () => {
    // ALFA (faktur 04002600000000001 imported above) is credited in part, GAMA (04002600000000004) in full.
    const credit = (invoice: string, amount: string) =>
      runCli(
        'credit-notes',
        [
          'create',
          '--invoice',
          invoice,
          '--amount',
          amount,
          '--reason',
          'late Cancel reports',
          '--date',
          '2026-10-20',
        ],
        env,
      );
    const alfa = await credit(numbers.ALFA!, '100000');
    expect(alfa.code, alfa.stderr).toBe(0);
    const gama = await t.db
      .selectFrom('invoices')
      .select(['subtotal', 'tax'])
      .where('number', '=', numbers.GAMA!)
      .executeTakeFirstOrThrow();
    expect((await credit(numbers.GAMA!, String(gama.subtotal))).code).toBe(0);

    const r = await runCli('efaktur', ['export', '--month', '2026-09'], env);
    const file = path.join(dir, 'out', '2026-09', 'efaktur', 'credit-notes-manual.csv');
    expect(r.stdout).toContain(
      `2 credit note(s) of the month: Coretax has no XML import for them; do each step by hand (listed in ${file}):`,
    );
    const rows = parse(await readFile(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const alfaInvoice = await t.db
      .selectFrom('invoices')
      .select(['subtotal', 'tax', 'invoice_date'])
      .where('number', '=', numbers.ALFA!)
      .executeTakeFirstOrThrow();
    // R6: the credit note's own figures by the rule of its date; the faktur's after them by the invoice's.
    const credited = fakturFiguresOn(100_000, '2026-10-20');
    const after = fakturFiguresOn(alfaInvoice.subtotal - 100_000, alfaInvoice.invoice_date);
    expect(rows[0]).toMatchObject({
      invoice_number: numbers.ALFA,
      customer_code: 'ALFA',
      faktur_number: '04002600000000001',
      credit_subtotal: '100000',
      credit_dpp: String(credited.dpp),
      credit_ppn: String(credited.ppn),
      faktur_subtotal_after: String(alfaInvoice.subtotal - 100_000),
      faktur_dpp_after: String(after.dpp),
      faktur_ppn_after: String(alfaInvoice.tax - credited.ppn),
      coretax_step: 'pengganti',
    });
    expect(rows[0]!.instruction).toMatch(
      /^Faktur Pengganti: in Coretax e-Faktur > Pajak Keluaran, edit faktur 04002600000000001 > Amend/,
    );
    expect(rows[1]).toMatchObject({
      invoice_number: numbers.GAMA,
      faktur_number: '04002600000000004',
      credit_ppn: String(gama.tax), // crediting all that is left reverses the invoice's PPN to the rupiah
      faktur_subtotal_after: '0',
      faktur_ppn_after: '0',
      coretax_step: 'pembatalan',
    });
    expect(rows[1]!.instruction).toContain('cancel (Batal) faktur 04002600000000004');
    expect(r.stdout).toContain(rows[0]!.instruction!);
  });
});

describe('R17: customers carry their buyer tax identity', () => {
  it('R17: customers import takes the buyer columns, validates them and refuses bad rows with the expected form', async () => {
    const csv = path.join(dir, 'customers.csv');
    await writeFile(
      csv,
      [
        'code,name,email,deposit,address,npwp,buyer_document,buyer_document_number,buyer_nitku,buyer_country',
        'KAPPA,PT Kappa,k@kappa.example.id,10000000,Jl. K 1,01.111.111.1-111.000,,,,',
        'LAMDA,Lamda Ltd,l@lamda.example.id,10000000,1 Raffles Place,,passport,E7654321,,SGP',
        'MU,PT Mu,m@mu.example.id,10000000,Jl. M 1,,TIN,12345,,',
        'NU,Nu,n@nu.example.id,10000000,Jl. N 1,,NIK,3174012345670002,3174012345670009000000,',
        'XI,PT Xi,x@xi.example.id,10000000,Jl. X 1,,KTP,3174012345670003,,',
      ].join('\n'),
    );
    const r = await runCli('customers', ['import', csv], env);
    expect(r.stdout).toContain('5 rows, 2 added, 0 unchanged, 3 rejected');
    expect(r.stdout).toMatch(/row 4 \(MU\): NPWP '12345' is not an NPWP; expected 16 digits/);
    expect(r.stdout).toMatch(/row 5 \(NU\): NITKU 3174012345670009000000 does not begin with the NIK/);
    expect(r.stdout).toMatch(
      /row 6 \(XI\): document type 'KTP' is not known; expected TIN, NIK, passport or other/,
    );
    const rows = await t.db
      .selectFrom('customers')
      .select(['code', 'buyer_document', 'buyer_document_number', 'buyer_country'])
      .where('code', 'in', ['KAPPA', 'LAMDA'])
      .orderBy('code')
      .execute();
    expect(rows).toEqual([
      {
        code: 'KAPPA',
        buyer_document: 'TIN',
        buyer_document_number: '0011111111111000',
        buyer_country: 'IDN',
      },
      { code: 'LAMDA', buyer_document: 'passport', buyer_document_number: 'E7654321', buyer_country: 'SGP' },
    ]);
    const again = await runCli('customers', ['import', csv], env);
    expect(again.stdout).toContain('5 rows, 0 added, 2 unchanged, 3 rejected');
  });

  it('R17: customers add takes the buyer options and refuses a bad NIK', async () => {
    const base = [
      'add',
      '--code',
      'OMI',
      '--name',
      'Omi',
      '--email',
      'o@omi.example.id',
      '--deposit',
      '10000000',
    ];
    const bad = await runCli(
      'customers',
      [...base, '--buyer-document', 'NIK', '--buyer-document-number', '317401'],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/NIK '317401' is not a NIK; expected the 16 digits of the KTP/);
    const good = await runCli(
      'customers',
      [...base, '--buyer-document', 'NIK', '--buyer-document-number', '3174012345670004'],
      env,
    );
    expect(good.stdout).toContain('Added OMI.');
  });
});

describe('R17: 1 000 invoices a file', () => {
  it('R17: 2 500 invoices are split into three files, each valid, Σ VAT = Σ tax of the month', async () => {
    // Customers and invoices straight in SQL; the PPN computed here in SQL (round() is half up for >= 0), apart
    // from the TypeScript rule the export applies.
    await sql`
      insert into customers (code, name, emails, address, buyer_document, buyer_document_number)
      select 'B' || lpad(g::text, 4, '0'), 'PT Pelanggan ' || g, array['b' || g || '@example.id'], 'Jl. Contoh ' || g,
        'TIN', lpad((1000000 + g)::text, 16, '0')
      from generate_series(1, 2500) g`.execute(t.db);
    await sql`
      with inv as (
        select c.id as customer_id, row_number() over (order by c.code) as n, (100 + row_number() over (order by c.code)) * 350 as subtotal
        from customers c where c.code like 'B____'
      ), figures as (
        select *, round(subtotal * 11 / 12.0) as dpp from inv
      )
      insert into invoices (number, year, sequence, customer_id, period, period_end, invoice_date, due_date, messages,
        parts, subtotal, tax, total, tax_label, deposit_balance, quota, snapshot)
      select 'INV/2026/09/' || lpad((100 + n)::text, 5, '0'), 2026, 100 + n, customer_id, '2026-08-01', '2026-08-31',
        '2026-09-01', '2026-09-15', 100 + n, 100 + n, subtotal, round(dpp * 12 / 100.0), subtotal + round(dpp * 12 / 100.0),
        'PPN 12%', 10000000, 20000000, pg_current_snapshot()
      from figures`.execute(t.db);
    await sql`
      insert into invoice_lines (invoice_id, product, operator, messages, parts, unit_price, amount, price_list_id)
      select i.id, 'whatsapp_otp', 'telkomsel', i.parts, i.parts, 350, i.subtotal,
        (select id from price_lists where product = 'whatsapp_otp' and customer_id is null order by id limit 1)
      from invoices i where i.period = '2026-08-01'`.execute(t.db);
    const r = await runCli('efaktur', ['export', '--month', '2026-08', '--json'], env);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(
      summary.files.map((f: { file: string; invoices: number }) => [path.basename(f.file), f.invoices]),
    ).toEqual([
      ['coretax-2026-08-001.xml', 1000],
      ['coretax-2026-08-002.xml', 1000],
      ['coretax-2026-08-003.xml', 500],
    ]);
    const folder = path.join(dir, 'out', '2026-08', 'efaktur');
    expect((await readdir(folder)).sort()).toEqual([
      'coretax-2026-08-001.xml',
      'coretax-2026-08-002.xml',
      'coretax-2026-08-003.xml',
    ]);
    let vat = 0;
    for (const f of summary.files) {
      expect(await validateAgainstXsd(f.file)).toEqual([]);
      const invoices = await readTaxInvoices(f.file);
      const fileVat = invoices.reduce(
        (a, i) => a + i.ListOfGoodService.GoodService.reduce((b, g) => b + g.VAT, 0),
        0,
      );
      expect(fileVat).toBe(f.vat);
      vat += fileVat;
    }
    const tax = await sql<{
      tax: string;
    }>`select sum(tax)::text as tax from invoices where period = '2026-08-01'`.execute(t.db);
    expect(vat).toBe(Number(tax.rows[0]!.tax));
    expect(existsSync(path.join(folder, 'coretax-2026-08-004.xml'))).toBe(false);
  });
});
