// R16: the credit note (Nota Kredit) in the invoice's style: the same pen, fonts, colours and header rule.
import PDFDocument from 'pdfkit';
import { formatDateId } from '../domain/indonesian-dates.ts';
import { formatNumberId, formatRupiah } from '../domain/money.ts';
import { formatDpp } from '../domain/tax.ts';
import { terbilangRupiah } from '../domain/terbilang.ts';
import type { CreditNotePdfData } from './credit-note-pdf-data.ts';
import { cnWord } from './credit-note-wording.ts';
import { wordOr } from './invoice-wording.ts';
import {
  ACCENT,
  FILL,
  FOOTER_Y,
  fontSource,
  fonts,
  LEFT,
  MUTED,
  PAGE_WIDTH,
  RIGHT,
  rule,
  TOP,
  WIDTH,
  wrap,
  write,
  writeBilingual,
} from './pdf-pen.ts';

type Doc = PDFKit.PDFDocument;

function drawHeader(doc: Doc, data: CreditNotePdfData): number {
  write(doc, data.seller.name, LEFT, TOP, { size: 14, bold: true, color: ACCENT });
  let y = TOP + 21;
  for (const line of [...data.seller.address, `NPWP ${data.seller.npwp}`, `Email ${data.seller.email}`]) {
    write(doc, line, LEFT, y, { size: 8 });
    y += 11;
  }
  write(
    doc,
    cnWord('document.title.id'),
    LEFT,
    TOP - 3,
    { size: 22, bold: true, color: ACCENT },
    'right',
    WIDTH,
  );
  write(doc, cnWord('document.title.en'), LEFT, TOP + 24, { size: 10, color: MUTED }, 'right', WIDTH);
  y = Math.max(y, TOP + 40) + 6;
  rule(doc, LEFT, RIGHT, y, ACCENT, 1.5);
  return y + 14;
}

function drawParties(doc: Doc, data: CreditNotePdfData, top: number): number {
  writeBilingual(doc, cnWord('creditTo.id'), cnWord('creditTo.en'), LEFT, top, {
    size: 8,
    bold: true,
    color: ACCENT,
  });
  let left = top + 15;
  for (const line of wrap(doc, data.buyer.name, 270, { size: 11, bold: true })) {
    write(doc, line, LEFT, left, { size: 11, bold: true });
    left += 14;
  }
  write(doc, data.buyer.code, LEFT, left, { size: 8, bold: true });
  left += 12;
  for (const line of data.buyer.address === null ? [] : wrap(doc, data.buyer.address, 270, { size: 8 })) {
    write(doc, line, LEFT, left, { size: 8 });
    left += 11;
  }
  const metaLeft = 330;
  const meta: ReadonlyArray<readonly [string, string, boolean]> = [
    ['number', data.number, true],
    ['date', formatDateId(data.date), false],
    ['invoice', data.invoiceNumber, true],
    ['invoiceDate', formatDateId(data.invoiceDate), false],
  ];
  let right = top;
  for (const [key, value, strong] of meta) {
    write(doc, cnWord(`${key}.id`), metaLeft, right, { size: 8 });
    write(doc, cnWord(`${key}.en`), metaLeft, right + 9.5, { size: 6.5, color: MUTED });
    write(doc, value, metaLeft, right + 1, { size: 9.5, bold: strong }, 'right', RIGHT - metaLeft);
    rule(doc, metaLeft, RIGHT, right + 19.5);
    right += 23;
  }
  return Math.max(left, right) + 14;
}

function drawReason(doc: Doc, data: CreditNotePdfData, top: number): number {
  let y = top;
  for (const key of ['intro.id', 'intro.en'] as const) {
    const style = key.endsWith('.en') ? { size: 8, color: MUTED } : { size: 9 };
    for (const line of wrap(doc, cnWord(key, { invoice: data.invoiceNumber }), WIDTH, style)) {
      write(doc, line, LEFT, y, style);
      y += 12;
    }
  }
  y += 4;
  const labelWidth = writeBilingual(doc, cnWord('reason.id'), cnWord('reason.en'), LEFT, y, {
    size: 8.5,
    bold: true,
  });
  for (const line of wrap(doc, data.reason, WIDTH - labelWidth - 10, { size: 8.5 })) {
    write(doc, line, LEFT + labelWidth + 10, y, { size: 8.5 });
    y += 12;
  }
  return y + 10;
}

const COLUMNS = [
  ['product', 150, 'left'],
  ['operator', 110, 'left'],
  ['parts', 70, 'right'],
  ['unitPrice', 90, 'right'],
  ['amount', WIDTH - 420, 'right'],
] as const;

function drawLines(doc: Doc, data: CreditNotePdfData, top: number): number {
  let y = top;
  doc.rect(LEFT, y, WIDTH, 27).fillColor(FILL).fill();
  let x = LEFT;
  for (const [key, width, align] of COLUMNS) {
    const id = cnWord(`column.${key}.id`);
    const en = cnWord(`column.${key}.en`);
    write(doc, id, x + 6, y + 5, { size: 8, bold: true }, align, width - 12);
    if (en !== id) write(doc, en, x + 6, y + 15.5, { size: 6.5, color: MUTED }, align, width - 12);
    x += width;
  }
  y += 27;
  rule(doc, LEFT, RIGHT, y, ACCENT, 0.8);
  const rows =
    data.lines.length > 0
      ? data.lines.map((l) => [
          wordOr(`product.${l.product}`, l.product),
          wordOr(`operator.${l.operator}`, l.operator),
          formatNumberId(l.parts),
          l.unitPrice === null ? '—' : formatRupiah(l.unitPrice),
          formatRupiah(l.amount),
        ])
      : [
          [
            `${cnWord(`${data.kind === 'void' ? 'void' : 'amountOnly'}.id`)} / ${cnWord(`${data.kind === 'void' ? 'void' : 'amountOnly'}.en`)}`,
            '',
            '',
            '',
            formatRupiah(data.subtotal),
          ],
        ];
  for (const cells of rows) {
    x = LEFT;
    for (const [index, [, width, align]] of COLUMNS.entries()) {
      write(doc, cells[index] ?? '', x + 6, y + 4.5, { size: 8.5 }, align, width - 12);
      x += width;
    }
    y += 17;
    rule(doc, LEFT, RIGHT, y);
  }
  return y + 10;
}

function drawTotals(doc: Doc, data: CreditNotePdfData, top: number): number {
  const rows: Array<readonly [string, string, string]> = [
    [cnWord('subtotal.id'), cnWord('subtotal.en'), formatRupiah(data.subtotal)],
  ];
  if (data.tax.dppHundredths !== null) {
    rows.push([cnWord('dpp.id'), cnWord('dpp.en'), `Rp ${formatDpp(data.tax.dppHundredths)}`]);
  }
  const rate = /\d+(?:[.,]\d+)?\s*%/.exec(data.tax.label)?.[0];
  rows.push([
    data.tax.label,
    rate === undefined ? '' : cnWord('tax.en', { rate }),
    formatRupiah(data.tax.amount),
  ]);
  const boxLeft = RIGHT - 270;
  let y = top;
  for (const [id, en, value] of rows) {
    writeBilingual(doc, id, en, boxLeft + 6, y + 4, { size: 8.5 });
    write(doc, value, boxLeft, y + 4, { size: 8.5 }, 'right', RIGHT - boxLeft - 6);
    y += 17;
    rule(doc, boxLeft, RIGHT, y);
  }
  doc
    .rect(boxLeft, y + 2, RIGHT - boxLeft, 22)
    .fillColor(ACCENT)
    .fill();
  const white = { size: 10, bold: true, color: 'white', enColor: '#b9d6db' };
  writeBilingual(doc, cnWord('total.id'), cnWord('total.en'), boxLeft + 6, y + 8, white);
  write(
    doc,
    formatRupiah(data.total),
    boxLeft,
    y + 7,
    { size: 11, bold: true, color: 'white' },
    'right',
    RIGHT - boxLeft - 6,
  );
  y += 36;
  const words = `${cnWord('inWords.id')}: ${terbilangRupiah(data.total)}`;
  for (const line of wrap(doc, words, WIDTH - 20, { size: 8.5 })) {
    write(doc, line, LEFT + 10, y, { size: 8.5 });
    y += 12;
  }
  return y + 10;
}

function drawApplied(doc: Doc, data: CreditNotePdfData, top: number): void {
  const values = {
    invoice: data.invoiceNumber,
    reduced: formatRupiah(data.reducedOpen),
    credit: formatRupiah(data.toCredit),
  };
  let y = top;
  for (const key of ['applied.id', 'applied.en'] as const) {
    const style = key.endsWith('.en') ? { size: 8, color: MUTED } : { size: 8.5 };
    for (const line of wrap(doc, cnWord(key, values), WIDTH, style)) {
      write(doc, line, LEFT, y, style);
      y += 12;
    }
  }
  rule(doc, LEFT, RIGHT, FOOTER_Y - 6);
  write(doc, `${data.seller.name} · ${data.number}`, LEFT, FOOTER_Y, { size: 7, color: MUTED });
}

/** R16: renders one credit note to PDF bytes; the same data always gives the same bytes. */
export async function renderCreditNotePdf(data: CreditNotePdfData): Promise<Buffer> {
  const fixedDate = new Date(`${data.date}T00:00:00+07:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: TOP, bottom: 20, left: LEFT, right: PAGE_WIDTH - RIGHT },
    font: fontSource(fonts().regular) as unknown as string,
    info: {
      Title: cnWord('document.pdfTitle', { number: data.number }),
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
  // One page: a credit note names at most the invoice's lines (a handful of operators per product).
  let y = drawHeader(doc, data);
  y = drawParties(doc, data, y);
  y = drawReason(doc, data, y);
  y = drawLines(doc, data, y);
  y = drawTotals(doc, data, y);
  drawApplied(doc, data, y);
  doc.end();
  return bytes;
}
