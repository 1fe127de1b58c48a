import { PDFDocument } from 'pdf-lib';

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
