// R15: the prepaid documents — the top-up receipt (KUITANSI) and the monthly statement (LAPORAN SALDO) — in the
// invoice's style (src/documents/pdf-pen.ts). Pure rendering: plain values in, PDF bytes out, the same bytes for
// the same values.
import PDFDocument from 'pdfkit';
import { formatDateId } from '../domain/indonesian-dates.ts';
import { formatRupiah } from '../domain/money.ts';
import {
  ACCENT,
  FILL,
  fontSource,
  fonts,
  INK,
  LEFT,
  MUTED,
  PAGE_WIDTH,
  RIGHT,
  rule,
  TOP,
  WIDTH,
  write,
  writeBilingual,
} from './pdf-pen.ts';

export interface PrepaidPdfRow {
  readonly id: string;
  readonly en: string;
  /** Whole rupiah, or a text (a date, a count) shown as it is. */
  readonly value: number | string;
  readonly strong?: boolean;
}

export interface PrepaidPdfTable {
  readonly headers: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
}

export interface PrepaidPdfData {
  readonly titleId: string;
  readonly titleEn: string;
  /** Receipt number or statement month, under the title. */
  readonly reference: string;
  /** 'YYYY-MM-DD': printed, and the fixed creation date that makes the bytes repeatable. */
  readonly date: string;
  readonly seller: {
    readonly name: string;
    readonly address: ReadonlyArray<string>;
    readonly npwp: string;
    readonly email: string;
  };
  readonly buyer: {
    readonly code: string;
    readonly name: string;
    readonly address: string | null;
    readonly npwp: string | null;
  };
  readonly rows: ReadonlyArray<PrepaidPdfRow>;
  readonly table?: PrepaidPdfTable;
  readonly notes: ReadonlyArray<string>;
}

function party(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  label: string,
  lines: ReadonlyArray<string>,
): number {
  write(doc, label, x, y, { size: 7.5, color: MUTED, bold: true });
  let at = y + 12;
  for (const [i, line] of lines.entries()) {
    write(doc, line, x, at, { size: i === 0 ? 10 : 8.5, bold: i === 0 });
    at += i === 0 ? 14 : 11;
  }
  return at;
}

function drawTable(doc: PDFKit.PDFDocument, table: PrepaidPdfTable, y: number): number {
  const width = WIDTH / table.headers.length;
  doc.rect(LEFT, y - 4, WIDTH, 18).fill(FILL);
  for (const [i, h] of table.headers.entries())
    write(doc, h, LEFT + i * width + 4, y, { size: 8, bold: true }, i === 0 ? 'left' : 'right', width - 8);
  let at = y + 20;
  for (const row of table.rows) {
    for (const [i, cell] of row.entries())
      write(doc, cell, LEFT + i * width + 4, at, { size: 8.5 }, i === 0 ? 'left' : 'right', width - 8);
    at += 14;
  }
  rule(doc, LEFT, RIGHT, at);
  return at + 14;
}

/** Renders one prepaid document to PDF bytes. */
export async function renderPrepaidPdf(data: PrepaidPdfData): Promise<Buffer> {
  const fixedDate = new Date(`${data.date}T00:00:00+07:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: TOP, bottom: 20, left: LEFT, right: PAGE_WIDTH - RIGHT },
    font: fontSource(fonts().regular) as unknown as string,
    info: {
      Title: `${data.titleId} ${data.reference}`,
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
  write(doc, data.seller.name, LEFT, TOP, { size: 13, bold: true, color: ACCENT });
  // Right-aligned like the invoice's title block; the English reading under it, so a long title never overflows.
  write(doc, data.titleId, LEFT, TOP, { size: 16, bold: true }, 'right', WIDTH);
  write(doc, data.titleEn, LEFT, TOP + 19, { size: 8.5, color: MUTED }, 'right', WIDTH);
  write(doc, data.reference, LEFT, TOP + 31, { size: 10, bold: true }, 'right', WIDTH);
  write(doc, formatDateId(data.date), LEFT, TOP + 44, { size: 8.5, color: MUTED }, 'right', WIDTH);
  rule(doc, LEFT, RIGHT, TOP + 56, ACCENT, 1);
  const sellerLines = [
    data.seller.name,
    ...data.seller.address,
    `NPWP ${data.seller.npwp}`,
    data.seller.email,
  ];
  const buyerLines = [
    data.buyer.name,
    `${data.buyer.code}`,
    ...(data.buyer.address ? [data.buyer.address] : []),
    ...(data.buyer.npwp ? [`NPWP ${data.buyer.npwp}`] : []),
  ];
  let y =
    Math.max(
      party(doc, LEFT, TOP + 70, 'DARI / FROM', sellerLines),
      party(doc, LEFT + WIDTH / 2, TOP + 70, 'UNTUK / TO', buyerLines),
    ) + 16;
  for (const row of data.rows) {
    if (row.strong) doc.rect(LEFT, y - 4, WIDTH, 18).fill(FILL);
    writeBilingual(doc, row.id, row.en, LEFT + 4, y, { size: 9.5, bold: row.strong === true });
    const value = typeof row.value === 'number' ? formatRupiah(row.value) : row.value;
    write(doc, value, LEFT, y, { size: 9.5, bold: row.strong === true }, 'right', WIDTH - 4);
    y += 20;
  }
  rule(doc, LEFT, RIGHT, y);
  y += 18;
  if (data.table && data.table.rows.length > 0) y = drawTable(doc, data.table, y);
  for (const note of data.notes) {
    write(doc, note, LEFT, y, { size: 8, color: INK });
    y += 12;
  }
  doc.end();
  return bytes;
}
