import { formatDateId, periodRangeLabelId } from '../domain/indonesian-dates.ts';
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
  WIDTH,
  wrap,
  write,
  writeBilingual,
} from './pdf-pen.ts';

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
  const sellerLines = [
    ...seller.address,
    `${word('seller.npwp')} ${seller.npwp}`,
    `${word('seller.email')} ${seller.email}  ·  ${word('seller.whatsapp')} ${seller.whatsapp}`,
  ];
  for (const line of sellerLines) {
    write(doc, clip(doc, line, 300, { size: 8 }), LEFT, left, { size: 8 });
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
  const meta: ReadonlyArray<readonly [string, string, boolean]> = [
    ['invoiceNumber', pen.number, true],
    ['invoiceDate', formatDateId(data.invoiceDate), false],
    ['period', periodRangeLabelId(data.periodStart, data.periodEnd), false],
    ['dueDate', formatDateId(data.dueDate), true],
  ];
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
