import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { InvoicePdfData } from './invoice-pdf-data.ts';

const templateUrl = (file: string): URL => new URL(`../../templates/${file}`, import.meta.url);

/** A TTF parsed by fontkit; pdfkit takes such an object as a font source as it is. */
export interface ParsedFont {
  readonly postscriptName: string;
  layout(text: string): unknown;
}

// STACK.md's trap: a font registered by name was re-parsed for every table cell. A file path is still
// parsed again for every document (~48 ms for a 6-line invoice); here each TTF is parsed once per process
// and pdfkit is handed the parsed font: the same bytes in ~17 ms. fontkit is pdfkit's own dependency, so
// it is loaded from where pdfkit finds it.
let parsedFonts: { readonly regular: ParsedFont; readonly bold: ParsedFont } | undefined;

export function fonts(): { readonly regular: ParsedFont; readonly bold: ParsedFont } {
  if (parsedFonts === undefined) {
    const requireFromPdfkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'));
    const fontkit = requireFromPdfkit('fontkit') as { create(data: Buffer): ParsedFont };
    const open = (file: string) =>
      withSharedLayouts(fontkit.create(readFileSync(templateUrl(`fonts/${file}`))));
    parsedFonts = { regular: open('DejaVuSans.ttf'), bold: open('DejaVuSans-Bold.ttf') };
  }
  return parsedFonts;
}

interface GlyphRun {
  readonly glyphs: ReadonlyArray<unknown>;
  readonly positions: ReadonlyArray<object>;
}

/** Distinct (text, features) layouts kept per font: a month's wording, names and amounts fit many times over. */
const LAYOUTS_KEPT = 50_000;

/**
 * Issue 16: fontkit's shaping (OpenType substitution and positioning) was about half of a render's time, and pdfkit
 * keeps its layouts for one document only. A layout depends on the font, the text and the features alone, so each
 * parsed font keeps its layouts for the life of the process, and every call gets a copy of the run to own: pdfkit
 * scales a run's positions in place. The glyphs and positions are those fontkit made, so the PDF bytes are the same.
 */
function withSharedLayouts(font: ParsedFont): ParsedFont {
  const layout = font.layout.bind(font) as (text: unknown, ...rest: unknown[]) => GlyphRun;
  const kept = new Map<string, GlyphRun>();
  const copy = <T extends object>(o: T): T => Object.assign(Object.create(Object.getPrototypeOf(o)), o);
  Object.assign(font, {
    layout(text: unknown, ...rest: unknown[]): GlyphRun {
      const [features] = rest;
      if (typeof text !== 'string' || rest.length > 1 || (features !== undefined && !Array.isArray(features)))
        return layout(text, ...rest);
      const key = `${features === undefined ? '' : (features as string[]).join(',')}\0${text}`;
      let run = kept.get(key);
      if (run === undefined) {
        run = layout(text, ...rest);
        if (kept.size >= LAYOUTS_KEPT) kept.clear();
        kept.set(key, run);
      }
      return Object.assign(copy(run), { glyphs: [...run.glyphs], positions: run.positions.map(copy) });
    },
  });
  return font;
}

/** The parsed font as pdfkit's font source; its PostScript name keys pdfkit's per-document font cache. */
export const fontSource = (font: ParsedFont) => font as unknown as PDFKit.Mixins.PDFFontSource;

// DejaVu Sans ascender (1901/2048 em): lines up the baselines of two sizes drawn side by side.
export const ASCENDER = 0.928;

// A4 in points; content stays above the footer band.
export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;
export const LEFT = 40;
export const RIGHT = PAGE_WIDTH - 40;
export const WIDTH = RIGHT - LEFT;
export const TOP = 40;
export const CONTENT_BOTTOM = PAGE_HEIGHT - 58;
export const FOOTER_Y = PAGE_HEIGHT - 36;

export const INK = '#1f2328';
export const MUTED = '#6b7280';
export const RULE = '#d0d5dd';
export const FILL = '#f2f4f7';
export const ACCENT = '#0b5d6b';
export const WATERMARK = '#d92d20';

export type Align = 'left' | 'right' | 'center';
export interface Style {
  readonly size: number;
  readonly bold?: boolean;
  readonly color?: string;
}

/** The document being drawn and where the next block starts. */
export interface Pen {
  readonly doc: PDFKit.PDFDocument;
  readonly data: InvoicePdfData;
  /** The number to print: the invoice number, or 'DRAFT'. */
  readonly number: string;
  y: number;
}

export function setStyle(doc: PDFKit.PDFDocument, style: Style): void {
  const font = style.bold ? fonts().bold : fonts().regular;
  doc
    .font(fontSource(font), font.postscriptName)
    .fontSize(style.size)
    .fillColor(style.color ?? INK);
}

/** Draws one line of text; `width` is the box that right/center alignment uses. Returns the text width. */
export function write(
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
export function writeBilingual(
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
export function wrap(doc: PDFKit.PDFDocument, text: string, width: number, style: Style): string[] {
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
export function clip(doc: PDFKit.PDFDocument, text: string, width: number, style: Style): string {
  setStyle(doc, style);
  if (doc.widthOfString(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && doc.widthOfString(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('')}…`;
}

export function rule(
  doc: PDFKit.PDFDocument,
  x1: number,
  x2: number,
  y: number,
  color = RULE,
  lineWidth = 0.5,
): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(lineWidth).strokeColor(color).stroke();
}
