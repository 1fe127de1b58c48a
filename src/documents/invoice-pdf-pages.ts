import { cnWord } from './credit-note-wording.ts';
import { word } from './invoice-wording.ts';
import {
  ACCENT,
  CONTENT_BOTTOM,
  FOOTER_Y,
  LEFT,
  MUTED,
  PAGE_HEIGHT,
  PAGE_WIDTH,
  type Pen,
  RIGHT,
  rule,
  setStyle,
  TOP,
  WATERMARK,
  WIDTH,
  write,
} from './pdf-pen.ts';

export function startPage(pen: Pen, continuation: boolean): void {
  pen.doc.addPage();
  if (pen.data.draft) drawWatermark(pen.doc);
  else if (pen.data.voided) {
    // R16: a void invoice's PDF says so on every page, across it and in a line above the header.
    drawWatermark(pen.doc, cnWord('void.watermark'), 72, 0.16);
    write(pen.doc, cnWord('void.banner'), LEFT, TOP - 24, { size: 8, bold: true, color: WATERMARK });
  }
  pen.y = TOP;
  if (continuation) drawContinuationHeader(pen);
}

/** Starts a new page when the next block of `height` points would run into the footer. */
export function ensureSpace(pen: Pen, height: number): void {
  if (pen.y + height > CONTENT_BOTTOM) startPage(pen, true);
}

export function drawWatermark(
  doc: PDFKit.PDFDocument,
  text = word('draft.watermark'),
  size = 120,
  opacity = 0.1,
): void {
  doc.save();
  doc.rotate(-35, { origin: [PAGE_WIDTH / 2, PAGE_HEIGHT / 2] });
  doc.fillOpacity(opacity);
  setStyle(doc, { size, bold: true, color: WATERMARK });
  const width = doc.widthOfString(text);
  doc.text(text, (PAGE_WIDTH - width) / 2, PAGE_HEIGHT / 2 - size * 0.6, { lineBreak: false });
  doc.restore();
}

export function drawContinuationHeader(pen: Pen): void {
  const { doc } = pen;
  write(doc, pen.data.seller.name, LEFT, TOP, { size: 9, bold: true });
  const title = `${word('document.title.id')} ${pen.number}`;
  const continued = `(${word('continued.id')} / ${word('continued.en')})`;
  const continuedWidth = write(doc, continued, LEFT, TOP + 0.8, { size: 7.5, color: MUTED }, 'right', WIDTH);
  write(doc, title, LEFT, TOP, { size: 9, bold: true }, 'right', WIDTH - continuedWidth - 5);
  rule(doc, LEFT, RIGHT, TOP + 18, ACCENT, 1);
  pen.y = TOP + 30;
}

export function drawFooters(pen: Pen): void {
  const { doc } = pen;
  const range = doc.bufferedPageRange();
  for (let index = 0; index < range.count; index++) {
    doc.switchToPage(range.start + index);
    const values = { page: index + 1, pages: range.count };
    rule(doc, LEFT, RIGHT, FOOTER_Y - 6);
    write(doc, `${pen.data.seller.name} · ${pen.number}`, LEFT, FOOTER_Y, { size: 7, color: MUTED });
    const pageLabel = `${word('page.id', values)} / ${word('page.en', values)}`;
    write(doc, pageLabel, LEFT, FOOTER_Y, { size: 7, color: MUTED }, 'right', WIDTH);
  }
}

// ---- blocks ----------------------------------------------------------------------------------
