import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerBundle } from '../worker-bundle.ts';
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
 * the main thread streams the details out of PostgreSQL. The workers run a plain-JavaScript bundle of
 * pdf-worker.ts (worker-bundle.ts) and start on the first render. Under vitest, which transforms the files
 * itself, it renders on this thread instead; the bytes are the same either way.
 */
export function createPdfRenderer(wanted = availableParallelism()): PdfRenderer {
  const inProcess: PdfRenderer = { parallelism: 1, render: renderInvoicePdf, close: async () => {} };
  if (wanted < 2 || process.env.VITEST) return inProcess;

  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  const idle: Worker[] = [];
  const queue: Array<{ id: number; data: InvoicePdfData }> = [];
  let nextId = 0;
  let broken: Error | null = null;
  let started: Promise<void> | null = null;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) idle.pop()!.postMessage(queue.shift()!);
  };
  const fail = (error: Error) => {
    broken = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    queue.length = 0;
  };
  const start = async () => {
    const bundle = await workerBundle(new URL('./pdf-worker.ts', import.meta.url));
    for (let i = 0; i < wanted; i++) {
      const worker = new Worker(bundle, {
        // A PDF needs a few MB: a small old space keeps the workers' memory flat however many invoices a month
        // has. The young generation is what a render allocates in: at 8 MB a render took 1.5× as long (scavenges).
        resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 },
      });
      worker.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        idle.push(worker);
        if (m.error !== undefined || !m.bytes) p?.reject(new Error(`PDF rendering failed: ${m.error}`));
        else p?.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
        dispatch();
      });
      worker.on('error', fail);
      workers.push(worker);
      idle.push(worker);
    }
  };
  return {
    parallelism: wanted,
    render: (data) => {
      if (broken) return Promise.reject(broken);
      started ??= start().catch((error: unknown) =>
        fail(new Error(`PDF rendering failed: the PDF workers could not start: ${(error as Error).message}`)),
      );
      return new Promise<Buffer>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        queue.push({ id, data });
        void started!.then(dispatch);
      });
    },
    close: async () => {
      await started;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
