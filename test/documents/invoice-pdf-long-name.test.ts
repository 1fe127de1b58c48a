import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { invoicePdfData } from '../fixtures/invoice-pdf-data.ts';

// Issue 17: a 2 000-character customer name does not overflow the PDF: at most three lines, cut with "…".

async function textOf(pdf: Uint8Array): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

const longName = `PT ${'Sangat Panjang Sekali Nusantara '.repeat(70)}`.slice(0, 2000).trim();

describe('R14: a very long buyer name', () => {
  it.each([
    ['words', longName],
    ['one word', `PT ${'X'.repeat(1997)}`],
  ])(
    '2 000 characters (%s): one page, three lines at most, cut with an ellipsis, the rest in place',
    async (_k, name) => {
      expect(name.length).toBeGreaterThanOrEqual(1999);
      const pages = await textOf(
        await renderInvoicePdf({ ...invoicePdfData, buyer: { ...invoicePdfData.buyer, name } }),
      );
      expect(pages).toHaveLength(1);
      const lines = pages[0]!.split('\n');
      // The name's lines: between the bill-to heading and the customer code.
      const from = lines.findIndex((l) => l.includes('Bill to'));
      const to = lines.findIndex((l) => l.startsWith('Kode pelanggan'));
      const nameLines = lines.slice(from + 1, to);
      expect(nameLines.length).toBeGreaterThanOrEqual(1);
      expect(nameLines.length).toBeLessThanOrEqual(3);
      expect(nameLines.join(' ').length).toBeLessThan(300);
      expect(nameLines.at(-1)).toMatch(/…/);
      // What follows the name is still there, and the right column too.
      const text = pages[0]!.replace(/\s+/g, ' ');
      expect(text).toContain(invoicePdfData.number);
      expect(text).toContain('ACME');
      expect(text).toContain('Terbilang:');
    },
  );
});
