import { formatDateId, periodRangeLabelId } from '../domain/indonesian-dates.ts';
import type { InvoicePdfData } from './invoice-pdf-data.ts';
import { CURRENT_TEMPLATE_VERSION } from './invoice-template.ts';
import { word } from './invoice-wording.ts';
import {
  ACCENT,
  clip,
  LEFT,
  MUTED,
  type Pen,
  RIGHT,
  rule,
  type Style,
  setStyle,
  TOP,
  WATERMARK,
  WIDTH,
  wrap,
  write,
  writeBilingual,
} from './pdf-pen.ts';

/**
 * The seller's tax identity lines of the header. Versions 1 and 2 print the company's NPWP as configured; from
 * version 3 (R17) the NPWP and NITKU of the Faktur Pajak, with a plain warning while they are the demo defaults.
 */
function taxIdentityLines(data: InvoicePdfData): Array<readonly [string, Style]> {
  const version = data.templateVersion ?? CURRENT_TEMPLATE_VERSION;
  if (version < 3) return [[`${word('seller.npwp')} ${data.seller.npwp}`, { size: 8 }]];
  const tax = data.sellerTax;
  if (tax === undefined) {
    throw new Error(
      `Invoice ${data.number} renders with template version ${version}, which shows the seller's NPWP and NITKU, but its data has none; pass sellerTax (config.seller).`,
    );
  }
  const demo = tax.isDemo ? ` ${word('seller.demoMark')}` : '';
  return [
    [`${word('seller.npwp')} ${tax.npwp}  ·  ${word('seller.nitku')} ${tax.nitku}${demo}`, { size: 8 }],
  ];
}

/** R17: demo defaults are marked in red under the title, where the header has room, so no page grows longer. */
function drawDemoMark(pen: Pen): void {
  const { doc, data } = pen;
  if ((data.templateVersion ?? CURRENT_TEMPLATE_VERSION) < 3 || data.sellerTax?.isDemo !== true) return;
  write(
    doc,
    word('seller.taxDemo.id'),
    LEFT,
    TOP + 41,
    { size: 8, bold: true, color: WATERMARK },
    'right',
    WIDTH,
  );
  write(doc, word('seller.taxDemo.en'), LEFT, TOP + 52, { size: 7, color: WATERMARK }, 'right', WIDTH);
}

export function drawHeader(pen: Pen): void {
  const { doc, data } = pen;
  const { seller } = data;
  // A long company name is set smaller before it is ever cut (the footer always carries it whole).
  let nameSize = 14;
  setStyle(doc, { size: nameSize, bold: true });
  while (nameSize > 10 && doc.widthOfString(seller.name) > 330) doc.fontSize(--nameSize);
  const nameStyle: Style = { size: nameSize, bold: true, color: ACCENT };
  write(doc, clip(doc, seller.name, 330, nameStyle), LEFT, TOP, nameStyle);
  let left = TOP + 21;
  const sellerLines: Array<readonly [string, Style]> = [
    ...seller.address.map((line) => [line, { size: 8 }] as const),
    ...taxIdentityLines(data),
    [
      `${word('seller.email')} ${seller.email}  ·  ${word('seller.whatsapp')} ${seller.whatsapp}`,
      { size: 8 },
    ],
  ];
  for (const [line, style] of sellerLines) {
    write(doc, clip(doc, line, 300, style), LEFT, left, style);
    left += 11;
  }

  write(
    doc,
    word('document.title.id'),
    LEFT,
    TOP - 3,
    { size: 22, bold: true, color: ACCENT },
    'right',
    WIDTH,
  );
  write(doc, word('document.title.en'), LEFT, TOP + 24, { size: 10, color: MUTED }, 'right', WIDTH);
  drawDemoMark(pen);

  pen.y = Math.max(left, TOP + 40) + 6;
  rule(doc, LEFT, RIGHT, pen.y, ACCENT, 1.5);
  pen.y += 14;
}

const NAME_STYLE: Style = { size: 11, bold: true };
const NAME_LINES = 3;

/**
 * Issue 17: the buyer's name in at most three lines of the block's width, the last ending in "…" when there is more
 * (a 2 000-character name, or one long word, must not run over the dates or down the page).
 */
function nameLines(doc: PDFKit.PDFDocument, name: string, width: number): string[] {
  // No line of the block holds 200 characters: cut there first, so clipping a very long word stays cheap.
  const lines = wrap(doc, name, width, NAME_STYLE).map((line) => line.slice(0, 200));
  const shown = lines.slice(0, NAME_LINES).map((line) => clip(doc, line, width, NAME_STYLE));
  if (lines.length > NAME_LINES) {
    shown[NAME_LINES - 1] = clip(doc, `${lines[NAME_LINES - 1]} ${lines[NAME_LINES]}`, width, NAME_STYLE);
  }
  return shown;
}

/** Bill-to block on the left, invoice number and dates on the right. */
export function drawParties(pen: Pen): void {
  const { doc, data } = pen;
  const { buyer } = data;
  const top = pen.y;

  const leftWidth = 270;
  writeBilingual(doc, word('billTo.id'), word('billTo.en'), LEFT, top, {
    size: 8,
    bold: true,
    color: ACCENT,
  });
  let left = top + 15;
  // An invoice re-renders as issued (R14): version 1 wrapped the name without the three-line limit.
  const version = data.templateVersion ?? CURRENT_TEMPLATE_VERSION;
  const names =
    version >= 2 ? nameLines(doc, buyer.name, leftWidth) : wrap(doc, buyer.name, leftWidth, NAME_STYLE);
  for (const line of names) {
    write(doc, line, LEFT, left, { size: 11, bold: true });
    left += 14;
  }
  left += 1;
  const codeWidth = writeBilingual(doc, word('customerCode.id'), word('customerCode.en'), LEFT, left, {
    size: 8,
  });
  write(doc, buyer.code, LEFT + codeWidth + 6, left, { size: 8, bold: true });
  left += 12;
  if (buyer.address !== null) {
    for (const line of wrap(doc, buyer.address, leftWidth, { size: 8 })) {
      write(doc, line, LEFT, left, { size: 8 });
      left += 11;
    }
  }
  if (buyer.npwp !== null) {
    write(doc, `${word('buyer.npwp')} ${buyer.npwp}`, LEFT, left, { size: 8 });
    left += 11;
  }

  const metaLeft = 330;
  const metaWidth = RIGHT - metaLeft;
  const meta: Array<readonly [string, string, boolean]> = [
    ['invoiceNumber', pen.number, true],
    ['invoiceDate', formatDateId(data.invoiceDate), false],
    ['period', periodRangeLabelId(data.periodStart, data.periodEnd), false],
    ['dueDate', formatDateId(data.dueDate), true],
  ];
  // R17: a copy printed after the faktur numbers were imported carries its No. Faktur Pajak (version 3 on).
  if (version >= 3 && data.fakturNumber) meta.push(['fakturNumber', data.fakturNumber, false]);
  let right = top;
  for (const [key, value, strong] of meta) {
    write(doc, word(`${key}.id`), metaLeft, right, { size: 8 });
    write(doc, word(`${key}.en`), metaLeft, right + 9.5, { size: 6.5, color: MUTED });
    write(doc, value, metaLeft, right + 1, { size: 9.5, bold: strong }, 'right', metaWidth);
    rule(doc, metaLeft, RIGHT, right + 19.5);
    right += 23;
  }

  pen.y = Math.max(left, right) + 14;
}
