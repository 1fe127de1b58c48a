import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from '../../src/documents/invoice-template.ts';
import { invoicePdfData, invoicePdfDataV1 } from '../fixtures/invoice-pdf-data.ts';

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
