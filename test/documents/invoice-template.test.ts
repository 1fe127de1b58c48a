import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from '../../src/documents/invoice-template.ts';
import {
  invoicePdfData,
  invoicePdfDataV1,
  invoicePdfDataV2,
  invoicePdfDataWithFaktur,
} from '../fixtures/invoice-pdf-data.ts';
import { pdfText } from '../support/pdf-text.ts';

const golden = (name: string) => new URL(`../golden/${name}`, import.meta.url);

/** The bytes must equal the golden file; UPDATE_GOLDEN=1 rewrites it (only for the current version's goldens). */
function expectGolden(bytes: Buffer, name: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden(name), bytes);
  expect(bytes.equals(readFileSync(golden(name)))).toBe(true);
}

describe('invoice template version', () => {
  it('R14: the current version names a wording file that exists', () => {
    expect(
      existsSync(new URL(`../../templates/${wordingFileFor(CURRENT_TEMPLATE_VERSION)}`, import.meta.url)),
    ).toBe(true);
  });

  it('R14: an invoice renders the same with its stored version as with the current one', async () => {
    const stored = await renderInvoicePdf({ ...invoicePdfData, templateVersion: CURRENT_TEMPLATE_VERSION });
    expect(stored.equals(await renderInvoicePdf(invoicePdfData))).toBe(true);
  });

  it('R6, R14: an invoice issued under version 1 re-renders byte-identical to what that release rendered', async () => {
    // test/golden/invoice-v1.pdf was rendered by the release before issue 10 (commit 5f6d7c1) from this data.
    const issued = readFileSync(new URL('../golden/invoice-v1.pdf', import.meta.url));
    const again = await renderInvoicePdf(invoicePdfDataV1);
    expect(again.equals(issued)).toBe(true);
  });

  it('R14: an invoice issued under version 2 re-renders byte-identical to what that release rendered', async () => {
    // test/golden/invoice-v2.pdf was rendered by the release before issue 12 (commit 50c55a0) from this data.
    const issued = readFileSync(golden('invoice-v2.pdf'));
    expect((await renderInvoicePdf(invoicePdfDataV2)).equals(issued)).toBe(true);
  });

  it('R14, R17: version 3 without a faktur number matches its golden (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const pdf = await renderInvoicePdf({ ...invoicePdfData, templateVersion: 3 });
    expectGolden(pdf, 'invoice-v3.pdf');
    const text = await pdfText(pdf);
    expect(text).toContain('NPWP 0012345678012000 · NITKU 0012345678012000000000');
    expect(text).not.toContain('01.234.567.8-012.000'); // the company's NPWP as typed is not shown any more
    expect(text).not.toContain('Faktur Pajak');
    expect(text).not.toMatch(/demo/i);
  });

  it('R14, R17: version 3 with an imported faktur number shows No. Faktur Pajak and matches its golden', async () => {
    const pdf = await renderInvoicePdf(invoicePdfDataWithFaktur);
    expectGolden(pdf, 'invoice-v3-faktur.pdf');
    expect(await pdfText(pdf)).toContain('No. Faktur Pajak Tax invoice no. 04002600000000123');
  });

  it('R17: version 3 marks the demo NPWP and NITKU plainly as fake', async () => {
    const demo = { npwp: '0000000000000000', nitku: '0000000000000000000000', isDemo: true };
    const text = await pdfText(await renderInvoicePdf({ ...invoicePdfData, sellerTax: demo }));
    expect(text).toContain('NPWP 0000000000000000 · NITKU 0000000000000000000000 (demo)');
    expect(text).toContain('NPWP & NITKU CONTOH / DEMO');
    expect(text).toContain('bukan identitas pajak asli · not a real tax ID');
  });

  it('R14: versions 1 and 2 show no faktur number and no NITKU, whatever the data holds', async () => {
    for (const data of [invoicePdfDataV1, invoicePdfDataV2]) {
      const text = await pdfText(await renderInvoicePdf({ ...data, fakturNumber: '04002600000000123' }));
      expect(text).toContain('NPWP 01.234.567.8-012.000');
      expect(text).not.toContain('04002600000000123');
      expect(text).not.toContain('NITKU');
    }
  });

  it('R17: version 3 without the seller tax identity is refused, naming what to pass', async () => {
    const { sellerTax: _, ...withoutTax } = invoicePdfData;
    await expect(renderInvoicePdf(withoutTax)).rejects.toThrow(/shows the seller's NPWP and NITKU/);
  });

  it('R6: version 2 says Penggantian where version 1 said Harga Jual', () => {
    const wording = (version: number) =>
      JSON.parse(
        readFileSync(new URL(`../../templates/${wordingFileFor(version)}`, import.meta.url), 'utf8'),
      );
    expect(wording(1)['subtotal.id']).toBe('Harga Jual');
    expect(wording(2)['subtotal.id']).toBe('Penggantian');
  });

  it('R14: an invoice of a version this release does not know is refused, naming the version', async () => {
    await expect(renderInvoicePdf({ ...invoicePdfData, templateVersion: 99 })).rejects.toThrow(
      /Invoice template version 99 is not known/,
    );
  });
});
