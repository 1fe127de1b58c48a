import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakturFiguresOn } from '../fixtures/tax-rules.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertMessages, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';
import { readTaxInvoices, validateAgainstXsd } from './fixtures.ts';

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir('tagih-efaktur-register-');
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out'), TAGIH_SELLER_NPWP: '0012345678501000' };
  const csv = path.join(dir, 'customers.csv');
  await writeFile(
    csv,
    [
      'code,name,email,deposit,address,npwp,buyer_document,buyer_document_number',
      'RA,PT Ra,ra@ra.example.id,10000000,Jl. Ra 1,01.234.567.8-012.000,,',
      'RB,Rb Santoso,rb@rb.example.id,10000000,Jl. Rb 2,,NIK,3174012345670001',
      'RC,PT Rc,rc@rc.example.id,10000000,Jl. Rc 3,02.345.678.9-423.000,,',
    ].join('\n'),
  );
  expect((await runCli('customers', ['import', csv], env)).code).toBe(0);
  // 1 000 parts at 340; 999 at 350 (R6's example subtotal 349 650); 10 at 350.
  await insertMessages(t.db, { customer: 'RA', count: 1000, from: '2026-10-05T10:00:00+07:00' });
  await insertMessages(t.db, {
    customer: 'RB',
    count: 999,
    operator: 'xl',
    from: '2026-10-06T10:00:00+07:00',
  });
  await insertMessages(t.db, {
    customer: 'RC',
    count: 10,
    operator: 'indosat',
    from: '2026-10-07T10:00:00+07:00',
  });
  const run = await runCli(
    'invoice',
    ['--month', '2026-10', '--issue-date', '2026-11-01', '--no-email'],
    env,
  );
  expect(run.code, run.stderr).toBe(0);
});
afterAll(async () => {
  await t.close();
});

describe('R17: the Coretax XML against the billing register of the invoice run', () => {
  it('R6/R17: Σ VAT of the files + the PPN of the refused invoices = Σ tax of the register; each exported VAT is its invoice tax', async () => {
    const register: Array<Record<string, string>> = parse(
      await readFile(path.join(dir, 'out', '2026-10', 'register.csv'), 'utf8'),
      { columns: true },
    );
    expect(register).toHaveLength(3);
    const r = await runCli('efaktur', ['export', '--month', '2026-10', '--json'], env);
    const summary = JSON.parse(r.stdout);
    const taxOf = new Map(register.map((row) => [row.invoice_number!, Number(row.tax)]));
    let vat = 0;
    for (const f of summary.files) {
      expect(await validateAgainstXsd(f.file)).toEqual([]);
      for (const inv of await readTaxInvoices(f.file)) {
        const invoiceVat = inv.ListOfGoodService.GoodService.reduce((a, g) => a + g.VAT, 0);
        expect(invoiceVat).toBe(taxOf.get(inv.RefDesc));
        vat += invoiceVat;
      }
    }
    // An invoice is refused only where its stored PPN is not R6's figure for its date (the invoice run may
    // still apply the older floor rule); nothing else stands in the way here.
    for (const refused of summary.refused) {
      expect(refused.problems.map((p: { field: string }) => p.field)).toEqual(['VAT']);
      const row = register.find((x) => x.invoice_number === refused.invoice)!;
      expect(fakturFiguresOn(Number(row.subtotal), row.invoice_date!).ppn).not.toBe(Number(row.tax));
    }
    const refusedTax = summary.refused.reduce(
      (a: number, x: { invoice: string }) => a + taxOf.get(x.invoice)!,
      0,
    );
    const registerTax = register.reduce((a, row) => a + Number(row.tax), 0);
    expect(vat + refusedTax).toBe(registerTax);
    expect(summary.exported + summary.refused.length).toBe(register.length);
    expect(summary.exported).toBeGreaterThanOrEqual(2);
  });
});
