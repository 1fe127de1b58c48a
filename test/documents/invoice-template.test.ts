import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from '../../src/documents/invoice-template.ts';
import { invoicePdfData } from '../fixtures/invoice-pdf-data.ts';

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

  it('R14: an invoice of a version this release does not know is refused, naming the version', async () => {
    await expect(renderInvoicePdf({ ...invoicePdfData, templateVersion: 99 })).rejects.toThrow(
      /Invoice template version 99 is not known/,
    );
  });
});
