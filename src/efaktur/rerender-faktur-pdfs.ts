import { readFile, rm } from 'node:fs/promises';
import { invoicePdfOnDisk } from '../billing/invoicing/invoice-files.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createPdfRenderer } from '../documents/pdf-pool.ts';
import { writeFileAtomic } from '../documents/write-atomic.ts';

/** The first template version whose layout has a No. Faktur Pajak field (src/documents/invoice-template.ts). */
export const FAKTUR_TEMPLATE_FROM = 3;

/** A PDF could not be rewritten: the import rolls back, and the message says which file and what to do. */
export class FakturPdfError extends Error {
  override readonly name = 'FakturPdfError';
}

export interface FakturPdfs {
  /** PDFs rewritten with their new No. Faktur Pajak, at the path the month run writes them to. */
  readonly rerendered: ReadonlyArray<{ readonly invoice: string; readonly file: string }>;
  /** Issued under a template without a faktur field: their PDF stays as issued (it would render the same bytes). */
  readonly keptAsIssued: ReadonlyArray<{ readonly invoice: string; readonly templateVersion: number }>;
  /** Puts back what was on disk before, for an import whose transaction did not commit after all. */
  readonly undo: () => Promise<void>;
}

/** What is on disk now, or null when there is no file yet (the month's documents were not written). */
async function previousBytes(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * R17: re-renders the PDFs of the invoices that just got a faktur number, through `db` (the import's transaction,
 * so they show the number it stored). Each file is written atomically; should one fail, those already rewritten
 * are put back as they were and the error goes on, so the import rolls back with nothing half-done.
 */
export async function rerenderFakturPdfs(
  db: Db,
  config: Config,
  invoiceIds: ReadonlyArray<number>,
): Promise<FakturPdfs> {
  const rerendered: Array<{ invoice: string; file: string }> = [];
  const keptAsIssued: Array<{ invoice: string; templateVersion: number }> = [];
  const before = new Map<string, Buffer | null>();
  const undo = async () => {
    for (const [file, bytes] of before) {
      if (bytes === null) await rm(file, { force: true });
      else await writeFileAtomic(file, bytes);
    }
  };
  const queue = [...invoiceIds];
  const renderer = createPdfRenderer();
  const lane = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const pdf = await invoicePdfOnDisk(db, config, id);
      if (pdf === null) throw new Error(`Invoice ${id} got a faktur number but cannot be read back.`);
      if (pdf.templateVersion < FAKTUR_TEMPLATE_FROM) {
        keptAsIssued.push({ invoice: pdf.number, templateVersion: pdf.templateVersion });
        continue;
      }
      const bytes = await renderer.render(pdf.data);
      try {
        before.set(pdf.file, await previousBytes(pdf.file));
        await writeFileAtomic(pdf.file, bytes);
      } catch (error) {
        throw new FakturPdfError(
          `The PDF of ${pdf.number} could not be rewritten at ${pdf.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was imported. Make the file writable and import the file again.`,
        );
      }
      rerendered.push({ invoice: pdf.number, file: pdf.file });
    }
  };
  try {
    await Promise.all(Array.from({ length: renderer.parallelism }, lane));
  } catch (error) {
    await undo();
    throw error;
  } finally {
    await renderer.close();
  }
  const byNumber = (a: { invoice: string }, b: { invoice: string }) => a.invoice.localeCompare(b.invoice);
  return { rerendered: rerendered.sort(byNumber), keptAsIssued: keptAsIssued.sort(byNumber), undo };
}
