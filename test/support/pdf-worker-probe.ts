// Run by test/documents/pdf-workers.test.ts as `node --import tsx` with VITEST unset, as `npm run invoice` runs: the
// PDF pool then renders on its worker threads. Prints one JSON line.
import { readdirSync } from 'node:fs';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { createPdfRenderer } from '../../src/documents/pdf-pool.ts';
import {
  invoicePdfData,
  invoicePdfDataWithFaktur,
  invoicePdfDataWithLines,
} from '../fixtures/invoice-pdf-data.ts';

const threads = () => readdirSync('/proc/self/task').length;
const before = threads();
const renderer = createPdfRenderer(2);
const samples = [invoicePdfData, invoicePdfDataWithFaktur, invoicePdfDataWithLines(60)];
const onWorkers = await Promise.all(samples.map((d) => renderer.render(d)));
const during = threads();
const same = await Promise.all(samples.map(async (d, i) => onWorkers[i]!.equals(await renderInvoicePdf(d))));
// A document the renderer refuses: the error comes back, and the pool goes on rendering.
const refused = await renderer.render({ ...invoicePdfData, lines: null } as never).then(
  () => null,
  (error: Error) => error.message,
);
const after = await renderer.render(invoicePdfData);
await renderer.close();
console.log(
  JSON.stringify({
    parallelism: renderer.parallelism,
    threadsAdded: during - before,
    same,
    refused,
    afterRefusal: after.equals(onWorkers[0]!),
  }),
);
