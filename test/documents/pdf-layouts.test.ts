// Issue 16: each parsed font keeps its text layouts for the life of the process (pdf-pen.ts), and pdfkit scales a
// layout's positions in place. A document rendered after others, from layouts they made, must be the very bytes
// it was when rendered first.
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import {
  invoicePdfData,
  invoicePdfDataWithFaktur,
  invoicePdfDataWithLines,
} from '../fixtures/invoice-pdf-data.ts';

describe('issue 16: text layouts shared by every document of a process', () => {
  it('give the same bytes to a document rendered again after others', async () => {
    const first = await renderInvoicePdf(invoicePdfData);
    const long = await renderInvoicePdf(invoicePdfDataWithLines(60));
    await renderInvoicePdf(invoicePdfDataWithFaktur);
    expect((await renderInvoicePdf(invoicePdfData)).equals(first)).toBe(true);
    expect((await renderInvoicePdf(invoicePdfDataWithLines(60))).equals(long)).toBe(true);
  });
});
