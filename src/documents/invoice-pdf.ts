import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatDateId, periodRangeLabelId } from '../domain/indonesian-dates.ts';
import { formatNumberId, formatRupiah } from '../domain/money.ts';
import { formatDpp } from '../domain/tax.ts';
import { terbilangRupiah } from '../domain/terbilang.ts';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from './invoice-template.ts';

/** Everything the invoice PDF shows, as plain values: the renderer reads nothing else. */
export interface InvoicePdfData {
  /** DRAFT watermark, and 'DRAFT' instead of a number. */
  readonly draft: boolean;
  /** The template version the invoice was issued with (invoices.template_version); a draft: the current one. */
  readonly templateVersion?: number;
  readonly seller: {
    readonly name: string;
    readonly address: ReadonlyArray<string>;
    readonly npwp: string;
    readonly email: string;
    readonly whatsapp: string;
  };
  readonly bank: { readonly bankName: string; readonly accountName: string; readonly accountNumber: string };
  readonly buyer: {
    readonly code: string;
    readonly name: string;
    readonly address: string | null;
    readonly npwp: string | null;
  };
  /** 'INV/2026/11/00042' */
  readonly number: string;
  /** 'YYYY-MM-DD' */
  readonly invoiceDate: string;
  readonly dueDate: string;
  /** 'YYYY-MM-DD', first day of the period. */
  readonly periodStart: string;
  /** 'YYYY-MM-DD', last day of the period, inclusive. */
  readonly periodEnd: string;
  readonly lines: ReadonlyArray<{
    readonly product: string;
    readonly operator: string;
    readonly messages: number;
    readonly parts: number;
    readonly unitPrice: number | null;
    readonly amount: number;
  }>;
  /** Harga Jual */
  readonly subtotal: number;
  readonly tax: {
    /** 'PPN 12%' */
    readonly label: string;
    /** DPP Nilai Lain × 100; null when the tax rule has no DPP (PPN 11%). */
    readonly dppHundredths: number | null;
    readonly amount: number;
  };
  readonly total: number;
  /** Guarantee deposit, the month's quota (2 × deposit or the override), usage value of the period. */
  readonly deposit: { readonly balance: number; readonly quota: number; readonly used: number };
  /** One entry for every day of the period. */
  readonly partsPerDay: ReadonlyArray<{ readonly date: string; readonly parts: number }>;
}

const templateUrl = (file: string): URL => new URL(`../../templates/${file}`, import.meta.url);

/** A TTF parsed by fontkit; pdfkit takes such an object as a font source as it is. */
interface ParsedFont {
  readonly postscriptName: string;
  layout(text: string): unknown;
}

// STACK.md's trap: a font registered by name was re-parsed for every table cell. A file path is still
// parsed again for every document (~48 ms for a 6-line invoice); here each TTF is parsed once per process
// and pdfkit is handed the parsed font: the same bytes in ~17 ms. fontkit is pdfkit's own dependency, so
// it is loaded from where pdfkit finds it.
let parsedFonts: { readonly regular: ParsedFont; readonly bold: ParsedFont } | undefined;

function fonts(): { readonly regular: ParsedFont; readonly bold: ParsedFont } {
  if (parsedFonts === undefined) {
    const requireFromPdfkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'));
    const fontkit = requireFromPdfkit('fontkit') as { create(data: Buffer): ParsedFont };
    const open = (file: string) => fontkit.create(readFileSync(templateUrl(`fonts/${file}`)));
    parsedFonts = { regular: open('DejaVuSans.ttf'), bold: open('DejaVuSans-Bold.ttf') };
  }
  return parsedFonts;
}

/** The parsed font as pdfkit's font source; its PostScript name keys pdfkit's per-document font cache. */
const fontSource = (font: ParsedFont) => font as unknown as PDFKit.Mixins.PDFFontSource;

// DejaVu Sans ascender (1901/2048 em): lines up the baselines of two sizes drawn side by side.
const ASCENDER = 0.928;

const WORDING_FILE = `templates/${wordingFileFor(CURRENT_TEMPLATE_VERSION)}`;
const WORDING: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(templateUrl(wordingFileFor(CURRENT_TEMPLATE_VERSION)), 'utf8'),
);

/** A label from the wording file, with `{name}` placeholders filled in. */
function word(key: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = WORDING[key];
  if (text === undefined) {
    throw new Error(`The invoice wording '${key}' is missing from ${WORDING_FILE}. Add it there.`);
  }
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}

// A4 in points; content stays above the footer band.
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const LEFT = 40;
const RIGHT = PAGE_WIDTH - 40;
const WIDTH = RIGHT - LEFT;
const TOP = 40;
const CONTENT_BOTTOM = PAGE_HEIGHT - 58;
const FOOTER_Y = PAGE_HEIGHT - 36;

const INK = '#1f2328';
const MUTED = '#6b7280';
const RULE = '#d0d5dd';
const FILL = '#f2f4f7';
const ACCENT = '#0b5d6b';
const WATERMARK = '#d92d20';

type Align = 'left' | 'right' | 'center';
interface Style {
  readonly size: number;
  readonly bold?: boolean;
  readonly color?: string;
}

/** The document being drawn and where the next block starts. */
interface Pen {
  readonly doc: PDFKit.PDFDocument;
  readonly data: InvoicePdfData;
  /** The number to print: the invoice number, or 'DRAFT'. */
  readonly number: string;
  y: number;
}

/** Renders one invoice to PDF bytes; the same data always gives the same bytes. */
export async function renderInvoicePdf(data: InvoicePdfData): Promise<Buffer> {
  // An invoice renders with the wording it was issued with: one this release does not have is refused, named.
  wordingFileFor(data.templateVersion ?? CURRENT_TEMPLATE_VERSION);
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
  drawPaymentAndDeposit(pen);
  drawDailyChart(pen);
  drawTerms(pen);
  drawFooters(pen);
  doc.end();
  return bytes;
}

// ---- text primitives -------------------------------------------------------------------------

function setStyle(doc: PDFKit.PDFDocument, style: Style): void {
  const font = style.bold ? fonts().bold : fonts().regular;
  doc
    .font(fontSource(font), font.postscriptName)
    .fontSize(style.size)
    .fillColor(style.color ?? INK);
}

/** Draws one line of text; `width` is the box that right/center alignment uses. Returns the text width. */
function write(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  style: Style,
  align: Align = 'left',
  width = 0,
): number {
  setStyle(doc, style);
  const textWidth = doc.widthOfString(text);
  const left = align === 'left' ? x : align === 'right' ? x + width - textWidth : x + (width - textWidth) / 2;
  // lineBreak: false keeps pdfkit's line wrapper (and its automatic page breaks) out of the way.
  doc.text(text, left, y, { lineBreak: false });
  return textWidth;
}

/** Indonesian label followed by its smaller grey English reading on the same baseline. */
function writeBilingual(
  doc: PDFKit.PDFDocument,
  id: string,
  en: string,
  x: number,
  y: number,
  style: Style & { readonly enColor?: string },
): number {
  const idWidth = write(doc, id, x, y, style);
  if (en === '' || en === id) return idWidth;
  const enSize = style.size - 1.5;
  const gap = style.size * 0.45;
  const enWidth = write(doc, en, x + idWidth + gap, y + (style.size - enSize) * ASCENDER, {
    size: enSize,
    color: style.enColor ?? MUTED,
  });
  return idWidth + gap + enWidth;
}

/** Greedy word wrap to `width` at the given style. */
function wrap(doc: PDFKit.PDFDocument, text: string, width: number, style: Style): string[] {
  setStyle(doc, style);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const wordText of paragraph.split(/\s+/).filter((w) => w !== '')) {
      const candidate = line === '' ? wordText : `${line} ${wordText}`;
      if (line !== '' && doc.widthOfString(candidate) > width) {
        lines.push(line);
        line = wordText;
      } else {
        line = candidate;
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** Cuts text to `width` with an ellipsis, so a long product name never runs into the next column. */
function clip(doc: PDFKit.PDFDocument, text: string, width: number, style: Style): string {
  setStyle(doc, style);
  if (doc.widthOfString(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && doc.widthOfString(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('')}…`;
}

function rule(
  doc: PDFKit.PDFDocument,
  x1: number,
  x2: number,
  y: number,
  color = RULE,
  lineWidth = 0.5,
): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(lineWidth).strokeColor(color).stroke();
}

// ---- pages -----------------------------------------------------------------------------------

function startPage(pen: Pen, continuation: boolean): void {
  pen.doc.addPage();
  if (pen.data.draft) drawWatermark(pen.doc);
  pen.y = TOP;
  if (continuation) drawContinuationHeader(pen);
}

/** Starts a new page when the next block of `height` points would run into the footer. */
function ensureSpace(pen: Pen, height: number): void {
  if (pen.y + height > CONTENT_BOTTOM) startPage(pen, true);
}

function drawWatermark(doc: PDFKit.PDFDocument): void {
  const text = word('draft.watermark');
  const size = 120;
  doc.save();
  doc.rotate(-35, { origin: [PAGE_WIDTH / 2, PAGE_HEIGHT / 2] });
  doc.fillOpacity(0.1);
  setStyle(doc, { size, bold: true, color: WATERMARK });
  const width = doc.widthOfString(text);
  doc.text(text, (PAGE_WIDTH - width) / 2, PAGE_HEIGHT / 2 - size * 0.6, { lineBreak: false });
  doc.restore();
}

function drawContinuationHeader(pen: Pen): void {
  const { doc } = pen;
  write(doc, pen.data.seller.name, LEFT, TOP, { size: 9, bold: true });
  const title = `${word('document.title.id')} ${pen.number}`;
  const continued = `(${word('continued.id')} / ${word('continued.en')})`;
  const continuedWidth = write(doc, continued, LEFT, TOP + 0.8, { size: 7.5, color: MUTED }, 'right', WIDTH);
  write(doc, title, LEFT, TOP, { size: 9, bold: true }, 'right', WIDTH - continuedWidth - 5);
  rule(doc, LEFT, RIGHT, TOP + 18, ACCENT, 1);
  pen.y = TOP + 30;
}

function drawFooters(pen: Pen): void {
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

function drawHeader(pen: Pen): void {
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

/** Bill-to block on the left, invoice number and dates on the right. */
function drawParties(pen: Pen): void {
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
  for (const line of wrap(doc, buyer.name, leftWidth, { size: 11, bold: true })) {
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

interface Column {
  readonly key: 'product' | 'operator' | 'messages' | 'parts' | 'unitPrice' | 'amount';
  readonly x: number;
  readonly width: number;
  readonly align: Align;
}

const COLUMN_WIDTHS = [
  ['product', 128, 'left'],
  ['operator', 92, 'left'],
  ['messages', 62, 'right'],
  ['parts', 58, 'right'],
  ['unitPrice', 80, 'right'],
  ['amount', WIDTH - 420, 'right'],
] as const;
const COLUMNS: ReadonlyArray<Column> = COLUMN_WIDTHS.map(([key, width, align], index) => ({
  key,
  width,
  align,
  x: LEFT + COLUMN_WIDTHS.slice(0, index).reduce((sum, [, w]) => sum + w, 0),
}));
const CELL_PADDING = 6;
const HEADER_HEIGHT = 27;
const ROW_HEIGHT = 17;

function drawTableHeader(pen: Pen): void {
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
function drawLines(pen: Pen): void {
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
      product: WORDING[`product.${line.product}`] ?? line.product,
      operator: WORDING[`operator.${line.operator}`] ?? line.operator,
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
  pen.y += 10;
}

/** R6: Harga Jual, DPP Nilai Lain (when the rule has one), PPN, Total; then the total in words. */
function drawTotals(pen: Pen): void {
  const { doc, data } = pen;
  const rows: Array<readonly [string, string, string]> = [
    [word('subtotal.id'), word('subtotal.en'), formatRupiah(data.subtotal)],
  ];
  if (data.tax.dppHundredths !== null) {
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

function boxTitle(doc: PDFKit.PDFDocument, key: string, x: number, y: number): void {
  writeBilingual(doc, word(`${key}.id`), word(`${key}.en`), x, y, { size: 8.5, bold: true, color: ACCENT });
}

/** Payment instructions on the left, the guarantee deposit and quota (R9, R10) on the right. */
function drawPaymentAndDeposit(pen: Pen): void {
  const { doc, data } = pen;
  const gap = 14;
  const paymentWidth = 275;
  const depositLeft = LEFT + paymentWidth + gap;
  const depositWidth = RIGHT - depositLeft;
  const x = LEFT + 10;
  const valueX = x + 122;
  const valueStyle: Style = { size: 8, bold: true };
  // Payment details are never cut: a customer copies the account name and number from here.
  const payment = (
    [
      ['payment.bank', data.bank.bankName],
      ['payment.accountName', data.bank.accountName],
      ['payment.accountNumber', data.bank.accountNumber],
      ['payment.reference', pen.number],
      ['payment.payBy', formatDateId(data.dueDate)],
    ] as const
  ).map(([key, value]) => ({ key, lines: wrap(doc, value, LEFT + paymentWidth - 10 - valueX, valueStyle) }));
  const extraLines = payment.reduce((sum, row) => sum + row.lines.length - 1, 0);
  const height = 104 + extraLines * 10;
  ensureSpace(pen, height + 14);
  const top = pen.y;
  doc.rect(LEFT, top, paymentWidth, height).lineWidth(0.7).strokeColor(RULE).stroke();
  doc.rect(depositLeft, top, depositWidth, height).lineWidth(0.7).strokeColor(RULE).stroke();

  // Payment: the transfer reference is the invoice number, so finance can match the mutation.
  boxTitle(doc, 'payment.title', x, top + 8);
  writeBilingual(doc, word('payment.intro.id'), word('payment.intro.en'), x, top + 23, { size: 7.5 });
  let y = top + 38;
  for (const { key, lines } of payment) {
    writeBilingual(doc, word(`${key}.id`), word(`${key}.en`), x, y, { size: 7.5 });
    for (const [index, line] of lines.entries()) {
      write(doc, line, valueX, y - 0.5 + index * 10, valueStyle);
    }
    y += 12.5 + (lines.length - 1) * 10;
  }

  // Deposit: R10 quota is 2 × the deposit unless the customer has an override.
  const dx = depositLeft + 10;
  const dWidth = depositWidth - 20;
  const { balance, quota, used } = data.deposit;
  boxTitle(doc, 'deposit.title', dx, top + 8);
  const quotaNote = quota === 2 * balance ? ` · ${word('deposit.quotaIsTwiceDeposit')}` : '';
  const deposit: ReadonlyArray<readonly [string, string, string]> = [
    ['deposit.balance', '', formatRupiah(balance)],
    ['deposit.quota', quotaNote, formatRupiah(quota)],
    ['deposit.used', '', formatRupiah(used)],
  ];
  y = top + 24;
  for (const [key, note, value] of deposit) {
    write(doc, word(`${key}.id`), dx, y, { size: 8 });
    write(doc, `${word(`${key}.en`)}${note}`, dx, y + 9.5, { size: 6.5, color: MUTED });
    write(doc, value, dx, y, { size: 8.5, bold: true }, 'right', dWidth);
    y += 20;
  }
  const usedShare = word('deposit.usedShare', { percent: percentOfQuota(used, quota) });
  write(doc, usedShare, dx, y - 20 + 9.5, { size: 6.5 }, 'right', dWidth);
  const barY = top + height - 17;
  doc.rect(dx, barY, dWidth, 6).fillColor(FILL).fill();
  // A float is fine for a bar length; the printed percent is exact. R10 warns at 80 %: the bar turns red.
  const share = quota > 0 ? Math.min(1, used / quota) : 0;
  if (share > 0)
    doc
      .rect(dx, barY, dWidth * share, 6)
      .fillColor(used * 5 >= quota * 4 ? WATERMARK : ACCENT)
      .fill();

  pen.y = top + height + 14;
}

/** Share of the quota used, one decimal, half up, in integer maths: 1.234.567 of 20.000.000 → '6,2%'. */
export function percentOfQuota(used: number, quota: number): string {
  if (quota <= 0) return '—';
  const tenths = (BigInt(used) * 2000n + BigInt(quota)) / (2n * BigInt(quota));
  return `${formatNumberId(Number(tenths / 10n))},${tenths % 10n}%`;
}

/** Parts per day as vector bars, one per day of the period. */
function drawDailyChart(pen: Pen): void {
  const { doc, data } = pen;
  const chartHeight = 56;
  ensureSpace(pen, chartHeight + 46);
  boxTitle(doc, 'chart.title', LEFT, pen.y);
  const top = pen.y + 18;
  const axisWidth = 34;
  const plotLeft = LEFT + axisWidth;
  const plotWidth = RIGHT - plotLeft;
  const baseline = top + chartHeight;
  const days = data.partsPerDay;
  const max = days.reduce((m, day) => Math.max(m, day.parts), 0);

  rule(doc, plotLeft, RIGHT, top, FILL);
  rule(doc, plotLeft, RIGHT, top + chartHeight / 2, FILL);
  write(doc, formatNumberId(max), LEFT, top - 3.5, { size: 6.5, color: MUTED }, 'right', axisWidth - 5);
  write(doc, '0', LEFT, baseline - 3.5, { size: 6.5, color: MUTED }, 'right', axisWidth - 5);

  if (max === 0) {
    write(
      doc,
      word('chart.noUsage'),
      plotLeft,
      top + chartHeight / 2 - 10,
      { size: 8, color: MUTED },
      'center',
      plotWidth,
    );
  }
  const slot = days.length > 0 ? plotWidth / days.length : plotWidth;
  const barWidth = slot * 0.62;
  for (const [index, day] of days.entries()) {
    const x = plotLeft + index * slot + (slot - barWidth) / 2;
    if (day.parts > 0) {
      const barHeight = Math.max(0.8, (day.parts / max) * chartHeight);
      doc
        .rect(x, baseline - barHeight, barWidth, barHeight)
        .fillColor(ACCENT)
        .fill();
    }
    const dayOfMonth = String(Number(day.date.slice(8, 10)));
    write(
      doc,
      dayOfMonth,
      plotLeft + index * slot,
      baseline + 3,
      { size: 5.5, color: MUTED },
      'center',
      slot,
    );
  }
  rule(doc, plotLeft, RIGHT, baseline, MUTED, 0.6);
  pen.y = baseline + 22;
}

/** R11: the terms' reminder that an unpaid invoice is taken from the deposit at month end. */
function drawTerms(pen: Pen): void {
  const { doc } = pen;
  const idLines = wrap(doc, word('terms.id'), WIDTH - 20, { size: 8 });
  const enLines = wrap(doc, word('terms.en'), WIDTH - 20, { size: 7 });
  const height = idLines.length * 11 + enLines.length * 9.5 + 12;
  ensureSpace(pen, height);
  doc.rect(LEFT, pen.y, 2.5, height).fillColor(ACCENT).fill();
  let y = pen.y + 6;
  for (const line of idLines) {
    write(doc, line, LEFT + 10, y, { size: 8 });
    y += 11;
  }
  for (const line of enLines) {
    write(doc, line, LEFT + 10, y, { size: 7, color: MUTED });
    y += 9.5;
  }
  pen.y += height + 10;
}
