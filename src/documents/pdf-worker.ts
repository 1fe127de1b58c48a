import { parentPort } from 'node:worker_threads';
import { type InvoicePdfData, renderInvoicePdf } from './invoice-pdf.ts';

// A worker of the PDF pool: renders each invoice it is sent and sends the bytes back.
parentPort?.on('message', async (message: { readonly id: number; readonly data: InvoicePdfData }) => {
  try {
    const pdf = await renderInvoicePdf(message.data);
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    parentPort!.postMessage({ id: message.id, bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
