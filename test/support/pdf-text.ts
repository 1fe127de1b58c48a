import { readFile } from 'node:fs/promises';
import { PDFParse } from 'pdf-parse';

/** The text of a PDF (its bytes, or a file path) with every run of whitespace as one space. */
export async function pdfText(pdf: Uint8Array | string): Promise<string> {
  const bytes = typeof pdf === 'string' ? await readFile(pdf) : pdf;
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}
