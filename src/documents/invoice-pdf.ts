import PDFDocument from 'pdfkit';
import { drawDailyChart, drawTerms } from './invoice-pdf-chart.ts';
import { drawCreditUsed } from './invoice-pdf-credit.ts';
import type { InvoicePdfData } from './invoice-pdf-data.ts';
import { drawPaymentAndDeposit } from './invoice-pdf-deposit.ts';
import { drawLines, drawTotals } from './invoice-pdf-lines.ts';
import { drawFooters, startPage } from './invoice-pdf-pages.ts';
import { drawHeader, drawParties } from './invoice-pdf-parties.ts';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from './invoice-template.ts';
import { withWording, word } from './invoice-wording.ts';
import { fontSource, fonts, LEFT, PAGE_WIDTH, type Pen, RIGHT, TOP } from './pdf-pen.ts';

export { percentOfQuota } from '../domain/quota.ts';
export type { InvoicePdfData } from './invoice-pdf-data.ts';

/** Renders one invoice to PDF bytes; the same data always gives the same bytes. */
export async function renderInvoicePdf(data: InvoicePdfData): Promise<Buffer> {
  // An invoice renders with the wording it was issued with: one this release does not have is refused, named.
  const version = data.templateVersion ?? CURRENT_TEMPLATE_VERSION;
  wordingFileFor(version);
  return withWording(version, () => drawInvoice(data));
}

function drawInvoice(data: InvoicePdfData): Promise<Buffer> {
  // The same data must give the same bytes: the file ID hashes this info dictionary.
  const fixedDate = new Date(`${data.invoiceDate}T00:00:00+07:00`);
  if (Number.isNaN(fixedDate.getTime())) {
    throw new Error(`Invoice ${data.number} has invoice date '${data.invoiceDate}'; expected YYYY-MM-DD.`);
  }
  const number = data.draft ? word('draft.number') : data.number;
  const { regular } = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: TOP, bottom: 20, left: LEFT, right: PAGE_WIDTH - RIGHT },
    bufferPages: true,
    autoFirstPage: false,
    // Without a font here pdfkit parses its Helvetica metrics for every document (~1 ms); the types only
    // admit a path, the code takes any font source.
    font: fontSource(regular) as unknown as string,
    info: {
      Title: word('document.pdfTitle', { number }),
      Author: data.seller.name,
      Producer: 'tagih',
      Creator: 'tagih',
      CreationDate: fixedDate,
      ModDate: fixedDate,
    },
  });
  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pen: Pen = { doc, data, number, y: TOP };
  startPage(pen, false);
  drawHeader(pen);
  drawParties(pen);
  drawLines(pen);
  drawTotals(pen);
  drawCreditUsed(pen);
  drawPaymentAndDeposit(pen);
  drawDailyChart(pen);
  drawTerms(pen);
  drawFooters(pen);
  doc.end();
  return bytes;
}
