import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type InvoicePdfData, renderInvoicePdf } from './invoice-pdf.ts';

export interface PdfRenderer {
  /** How many PDFs it renders at once. */
  readonly parallelism: number;
  render(data: InvoicePdfData): Promise<Buffer>;
  close(): Promise<void>;
}

type Pending = { resolve: (b: Buffer) => void; reject: (e: Error) => void };

/**
 * Renders invoice PDFs on worker threads, one per core, so a month's PDFs use both cores of the machine while
 * the main thread streams the details out of PostgreSQL. Where workers cannot load TypeScript (a test runner
 * that transforms files itself), it renders on this thread instead; the bytes are the same either way.
 */
export function createPdfRenderer(wanted = availableParallelism()): PdfRenderer {
  const inProcess: PdfRenderer = { parallelism: 1, render: renderInvoicePdf, close: async () => {} };
  const loadsTypeScript = process.execArgv.some((a) => a.includes('tsx'));
  if (wanted < 2 || !loadsTypeScript || process.env.VITEST) return inProcess;

  const workers = Array.from(
    { length: wanted },
    // A PDF needs a few MB: a small heap keeps the workers' memory flat however many invoices a month has.
    () =>
      new Worker(new URL('./pdf-worker-entry.mjs', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
      }),
  );
  const pending = new Map<number, Pending>();
  const idle: Worker[] = [...workers];
  const queue: Array<{ id: number; data: InvoicePdfData }> = [];
  let nextId = 0;
  let broken: Error | null = null;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) idle.pop()!.postMessage(queue.shift()!);
  };
  for (const worker of workers) {
    worker.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      idle.push(worker);
      if (m.error !== undefined || !m.bytes) p?.reject(new Error(`PDF rendering failed: ${m.error}`));
      else p?.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      dispatch();
    });
    worker.on('error', (error) => {
      broken = error;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  }
  return {
    parallelism: wanted,
    render: (data) => {
      if (broken) return Promise.reject(broken);
      return new Promise<Buffer>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        queue.push({ id, data });
        dispatch();
      });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
