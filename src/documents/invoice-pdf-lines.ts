import { formatNumberId, formatRupiah } from '../domain/money.ts';
import { formatDpp } from '../domain/tax.ts';
import { terbilangRupiah } from '../domain/terbilang.ts';
import { ensureSpace, startPage } from './invoice-pdf-pages.ts';
import { word, wordOr } from './invoice-wording.ts';
import {
  ACCENT,
  type Align,
  CONTENT_BOTTOM,
  clip,
  FILL,
  LEFT,
  MUTED,
  type Pen,
  RIGHT,
  rule,
  type Style,
  WIDTH,
  wrap,
  write,
  writeBilingual,
} from './pdf-pen.ts';

export interface Column {
  readonly key: 'product' | 'operator' | 'messages' | 'parts' | 'unitPrice' | 'amount';
  readonly x: number;
  readonly width: number;
  readonly align: Align;
}

export const COLUMN_WIDTHS = [
  ['product', 128, 'left'],
  ['operator', 92, 'left'],
  ['messages', 62, 'right'],
  ['parts', 58, 'right'],
  ['unitPrice', 80, 'right'],
  ['amount', WIDTH - 420, 'right'],
] as const;
export const COLUMNS: ReadonlyArray<Column> = COLUMN_WIDTHS.map(([key, width, align], index) => ({
  key,
  width,
  align,
  x: LEFT + COLUMN_WIDTHS.slice(0, index).reduce((sum, [, w]) => sum + w, 0),
}));
export const CELL_PADDING = 6;
export const HEADER_HEIGHT = 27;
export const ROW_HEIGHT = 17;

export function drawTableHeader(pen: Pen): void {
  const { doc } = pen;
  doc.rect(LEFT, pen.y, WIDTH, HEADER_HEIGHT).fillColor(FILL).fill();
  rule(doc, LEFT, RIGHT, pen.y + HEADER_HEIGHT, ACCENT, 0.8);
  for (const column of COLUMNS) {
    const x = column.x + CELL_PADDING;
    const width = column.width - 2 * CELL_PADDING;
    const id = word(`column.${column.key}.id`);
    const en = word(`column.${column.key}.en`);
    write(doc, id, x, pen.y + 5, { size: 8, bold: true }, column.align, width);
    if (en !== id) write(doc, en, x, pen.y + 15.5, { size: 6.5, color: MUTED }, column.align, width);
  }
  pen.y += HEADER_HEIGHT;
}

/** R7: one row per (product, operator); the table continues on further pages under a repeated header. */
export function drawLines(pen: Pen): void {
  const { doc, data } = pen;
  ensureSpace(pen, HEADER_HEIGHT + ROW_HEIGHT);
  drawTableHeader(pen);
  const style: Style = { size: 8.5 };
  for (const line of data.lines) {
    if (pen.y + ROW_HEIGHT > CONTENT_BOTTOM) {
      startPage(pen, true);
      drawTableHeader(pen);
    }
    const cells: Record<Column['key'], string> = {
      product: wordOr(`product.${line.product}`, line.product),
      operator: wordOr(`operator.${line.operator}`, line.operator),
      messages: formatNumberId(line.messages),
      parts: formatNumberId(line.parts),
      unitPrice: line.unitPrice === null ? word('unitPrice.none') : formatRupiah(line.unitPrice),
      amount: formatRupiah(line.amount),
    };
    for (const column of COLUMNS) {
      const width = column.width - 2 * CELL_PADDING;
      const text = clip(doc, cells[column.key], width, style);
      write(doc, text, column.x + CELL_PADDING, pen.y + 4.5, style, column.align, width);
    }
    pen.y += ROW_HEIGHT;
    rule(doc, LEFT, RIGHT, pen.y);
  }
  drawPriceLists(pen);
  pen.y += 10;
}

/** R18: the price list in force per product and the tier reached (wording of version 2 and later only). */
function drawPriceLists(pen: Pen): void {
  const lists = pen.data.priceLists ?? [];
  if (lists.length === 0 || wordOr('priceList.id', '') === '') return;
  const style: Style = { size: 7, color: MUTED };
  for (const l of lists) {
    ensureSpace(pen, 11);
    const tier =
      l.tierTo === null
        ? word('priceList.tierFrom', { from: formatNumberId(l.tierFrom) })
        : word('priceList.tierRange', { from: formatNumberId(l.tierFrom), to: formatNumberId(l.tierTo) });
    const text = `${word('priceList.id')} / ${word('priceList.en')} ${wordOr(`product.${l.product}`, l.product)}: ${l.name} · ${word(`priceList.mode.${l.mode}`)} · ${tier}`;
    write(pen.doc, clip(pen.doc, text, WIDTH, style), LEFT, pen.y + 3, style, 'left', WIDTH);
    pen.y += 11;
  }
}

/** R6: Penggantian, DPP Nilai Lain (when the rule has one), PPN, Total; then the total in words. */
export function drawTotals(pen: Pen): void {
  const { doc, data } = pen;
  const rows: Array<readonly [string, string, string]> = [
    [word('subtotal.id'), word('subtotal.en'), formatRupiah(data.subtotal)],
  ];
  // R6: from 22 May 2025 the DPP is the whole-rupiah figure the PPN was computed from (PER-11 art. 129).
  if (data.tax.dpp !== undefined && data.tax.dpp !== null) {
    rows.push([word('dpp.id'), word('dpp.en'), formatRupiah(data.tax.dpp)]);
  } else if (data.tax.dppHundredths !== null) {
    rows.push([word('dpp.id'), word('dpp.en'), `Rp ${formatDpp(data.tax.dppHundredths)}`]);
  }
  const rate = /\d+(?:[.,]\d+)?\s*%/.exec(data.tax.label)?.[0];
  rows.push([
    data.tax.label,
    rate === undefined ? '' : word('tax.en', { rate }),
    formatRupiah(data.tax.amount),
  ]);

  const inWords = wrap(doc, `${word('inWords.id')}: ${terbilangRupiah(data.total)}`, WIDTH - 20, {
    size: 8.5,
  });
  const rowHeight = 17;
  const totalHeight = 22;
  ensureSpace(pen, rows.length * rowHeight + totalHeight + 12 + inWords.length * 12 + 14);

  const boxLeft = RIGHT - 270;
  const boxWidth = RIGHT - boxLeft;
  for (const [id, en, value] of rows) {
    writeBilingual(doc, id, en, boxLeft + CELL_PADDING, pen.y + 4, { size: 8.5 });
    write(doc, value, boxLeft, pen.y + 4, { size: 8.5 }, 'right', boxWidth - CELL_PADDING);
    pen.y += rowHeight;
    rule(doc, boxLeft, RIGHT, pen.y);
  }
  doc
    .rect(boxLeft, pen.y + 2, boxWidth, totalHeight)
    .fillColor(ACCENT)
    .fill();
  writeBilingual(doc, word('total.id'), word('total.en'), boxLeft + CELL_PADDING, pen.y + 8, {
    size: 10,
    bold: true,
    color: 'white',
    enColor: '#b9d6db',
  });
  write(
    doc,
    formatRupiah(data.total),
    boxLeft,
    pen.y + 7,
    { size: 11, bold: true, color: 'white' },
    'right',
    boxWidth - CELL_PADDING,
  );
  pen.y += totalHeight + 12;

  // Terbilang: the amount due in words, as Indonesian invoices carry it.
  const boxHeight = inWords.length * 12 + 8;
  doc.rect(LEFT, pen.y, WIDTH, boxHeight).fillColor(FILL).fill();
  let y = pen.y + 5;
  for (const [index, line] of inWords.entries()) {
    const label = `${word('inWords.id')}:`;
    if (index === 0 && line.startsWith(label)) {
      const labelWidth = write(doc, label, LEFT + 10, y, { size: 8.5, bold: true });
      write(doc, line.slice(label.length), LEFT + 10 + labelWidth, y, { size: 8.5 });
    } else {
      write(doc, line, LEFT + 10, y, { size: 8.5 });
    }
    y += 12;
  }
  pen.y += boxHeight + 14;
}
