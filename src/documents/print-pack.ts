import { readFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { PDFDocument } from 'pdf-lib';
import { printPackPathsIn } from './invoice-paths.ts';
import { spreadsheetSafe } from './register-csv.ts';
import { writeFileAtomic } from './write-atomic.ts';

/** R14: one PDF of all the given PDFs, in order, for the customers who get their invoice on paper. */
export async function mergePdfs(pdfs: ReadonlyArray<Uint8Array>): Promise<Uint8Array> {
  const pack = await PDFDocument.create({ updateMetadata: false });
  // The pack is dated by its newest invoice, so the same invoices give the same bytes.
  let newest = 0;
  for (const [index, bytes] of pdfs.entries()) {
    let source: PDFDocument;
    try {
      source = await PDFDocument.load(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `PDF ${index + 1} of ${pdfs.length} for the print pack cannot be read (${reason}). Render that invoice again.`,
      );
    }
    newest = Math.max(newest, source.getCreationDate()?.getTime() ?? 0);
    const pages = await pack.copyPages(source, source.getPageIndices());
    for (const page of pages) pack.addPage(page);
  }
  pack.setProducer('tagih');
  pack.setCreator('tagih');
  pack.setCreationDate(new Date(newest));
  pack.setModificationDate(new Date(newest));
  return pack.save();
}

/** A paper customer's invoice, for the pack and the courier's address list. */
export interface PaperInvoice {
  readonly number: string;
  readonly customerCode: string;
  readonly customerName: string;
  readonly address: string | null;
  readonly total: number;
  readonly pdf: string;
}

/** R14: the print pack of a month folder (merged PDF and address list); null when nobody gets paper. */
export async function writePrintPack(
  folder: string,
  paper: ReadonlyArray<PaperInvoice>,
): Promise<{ readonly pdf: string; readonly addresses: string } | null> {
  if (paper.length === 0) return null;
  const pdfs = await Promise.all(paper.map((p) => readFile(p.pdf)));
  const pack = printPackPathsIn(folder);
  await writeFileAtomic(pack.pdf, await mergePdfs(pdfs));
  await writeFileAtomic(
    pack.addresses,
    stringify(
      paper.map((p) =>
        [p.number, p.customerCode, p.customerName, p.address ?? '', p.total].map(spreadsheetSafe),
      ),
      {
        header: true,
        columns: ['invoice_number', 'customer_code', 'customer_name', 'address', 'total'],
        record_delimiter: '\n',
      },
    ),
  );
  return pack;
}
