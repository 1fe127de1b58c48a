import { Worker } from 'node:worker_threads';
import { workerBundle } from '../worker-bundle.ts';
import type { HeldChunk } from './copy-unit.ts';
import { type LineChunk, type ParsedChunk, parseChunk } from './parse-chunk.ts';
import type { ParseContext } from './parse-line.ts';
import { LogReadError } from './read-lines.ts';

export interface ChunkParser {
  /** Parses a chunk; answers come back in the order asked. */
  parse(chunk: LineChunk): Promise<ParsedChunk>;
  close(): Promise<void>;
}

/**
 * Parses on a worker thread, so one core parses while the other runs PostgreSQL's COPY (and this thread only reads
 * lines and feeds the COPY). The worker runs an esbuild bundle of parse-worker.ts (worker-bundle.ts). Under vitest,
 * which transforms the files itself, it parses on this thread, as the PDF pool renders (pdf-pool.ts); the rows are
 * the same either way.
 */
function workersWork(): boolean {
  return !process.env.VITEST;
}

async function startWorker(workerData: object, maxOldGenerationSizeMb = 48): Promise<Worker> {
  // The worker runs a plain-JavaScript bundle of parse-worker.ts (worker-bundle.ts), without a TypeScript loader of
  // its own. A chunk needs a few MB: a small old space keeps its memory flat however long the log is; the young
  // generation is what parsing allocates in (issue 16: at 8 MB its scavenges were a fifth of the thread's time).
  const bundle = await workerBundle(new URL('./parse-worker.ts', import.meta.url)).catch((error: Error) => {
    throw new Error(`the log parser thread could not start: ${error.message}`);
  });
  return new Worker(bundle, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb, maxYoungGenerationSizeMb: 16 },
  });
}

/**
 * A parser thread asked one chunk at a time, answers matched by id. A thread that dies fails the chunks it held
 * with its error, and the next ask starts a new one. It keeps the process alive only while an answer is awaited.
 */
function parserThread(workerData: object, maxOldGenerationSizeMb: number) {
  let worker: Promise<Worker> | null = null;
  /** The thread `worker` gave, once started: an error or exit of an older one must not forget a newer one. */
  let current: Worker | null = null;
  const pending = new Map<number, { resolve: (p: ParsedChunk) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  /** The context each thread was last sent (a new thread has none): an ask with the same one sends only its clock. */
  const sentContext = new WeakMap<Worker, ParseContext>();
  const settle = (w: Worker) => {
    if (pending.size === 0) w.unref();
  };
  const start = async (): Promise<Worker> => {
    const w = await startWorker(workerData, maxOldGenerationSizeMb);
    const fail = (error: Error) => {
      if (current === w) {
        current = null;
        worker = null;
      }
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    w.on('message', (m: { id: number; parsed: ParsedChunk }) => {
      pending.get(m.id)?.resolve(m.parsed);
      pending.delete(m.id);
      settle(w);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the log parser thread stopped (exit code ${code})`)));
    current = w;
    return w;
  };
  return {
    ask(message: { readonly chunk: LineChunk; readonly ctx?: ParseContext }): Promise<ParsedChunk> {
      worker ??= start();
      const started = worker;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        started.then(
          (w) => {
            w.ref();
            const { ctx, ...rest } = message;
            if (ctx === undefined) w.postMessage({ id, ...rest });
            else if (sameContext(sentContext.get(w), ctx)) w.postMessage({ id, ...rest, now: ctx.now });
            else {
              w.postMessage({ id, ...rest, ctx });
              sentContext.set(w, ctx);
            }
          },
          (error: Error) => {
            if (worker === started) worker = null;
            pending.delete(id);
            reject(error);
          },
        );
      });
    },
    async close(): Promise<void> {
      const started = worker;
      worker = null;
      current = null;
      const w = await started?.catch(() => null);
      await w?.terminate();
    },
  };
}

/**
 * Whether a thread holding context `a` can parse with `b` given b's clock alone: the same customer, product and
 * prefix objects (ParseContextCache hands out the same ones while they are current) and the same switches.
 */
function sameContext(a: ParseContext | undefined, b: ParseContext): boolean {
  return (
    a !== undefined &&
    a.customers === b.customers &&
    a.products === b.products &&
    a.prefixes === b.prefixes &&
    a.storeMessageText === b.storeMessageText &&
    a.prepaid === b.prepaid
  );
}

export function createChunkParser(ctx: ParseContext): ChunkParser {
  if (!workersWork()) return { parse: async (chunk) => parseChunk(chunk, ctx), close: async () => {} };
  const thread = parserThread({ ctx, name: '', chunkLines: 0, maxChunkCharacters: 0, ahead: 0 }, 48);
  return { parse: (chunk) => thread.ask({ chunk }), close: () => thread.close() };
}

/** Issue 13: parses many small batches, each with the context of its own request (the HTTP API's log route). */
export interface BatchParser {
  parse(chunk: LineChunk, ctx: ParseContext): Promise<ParsedChunk>;
  close(): Promise<void>;
}

/**
 * One parser thread for the life of a process that loads batch after batch (the API server): its main thread then
 * only receives the requests, feeds the COPY and answers. It parses with each line's sendingid (perLine), as the
 * API answers per line. A batch whose thread died fails (its transaction rolls back, so it can be sent again).
 */
export function createBatchParser(): BatchParser {
  if (!workersWork())
    return {
      parse: async (chunk, ctx) => parseChunk(chunk, ctx, 0, { perLine: true }),
      close: async () => {},
    };
  // A batch is one request body, up to TAGIH_API_MAX_BODY_BYTES: the heap the main thread had for it (160 MB).
  const thread = parserThread(
    { name: '', chunkLines: 0, maxChunkCharacters: 0, ahead: 0, perLine: true },
    160,
  );
  return { parse: (chunk, ctx) => thread.ask({ chunk, ctx }), close: () => thread.close() };
}

type FromFileWorker = HeldChunk | { readonly done: true } | { readonly error: string };

/**
 * Reads and parses a log file on a worker thread, chunk by chunk, at most `ahead` chunks ahead of the caller;
 * null where workers cannot load TypeScript (the caller reads and parses itself).
 */
export function parseFileOnWorker(
  ctx: ParseContext,
  source: { readonly file: string; readonly name: string },
  limits: { readonly chunkLines: number; readonly maxChunkCharacters: number; readonly ahead: number },
): AsyncGenerator<HeldChunk> | null {
  if (!workersWork()) return null;
  return (async function* () {
    const worker = await startWorker({ ctx, ...source, ...limits });
    const inbox: FromFileWorker[] = [];
    let wake: (() => void) | null = null;
    let failure: Error | null = null;
    const arrive = () => {
      wake?.();
      wake = null;
    };
    worker.on('message', (m: FromFileWorker) => {
      inbox.push(m);
      arrive();
    });
    worker.on('error', (error) => {
      failure = error;
      arrive();
    });
    try {
      for (;;) {
        while (inbox.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
        if (failure) throw failure;
        const m = inbox.shift()!;
        if ('done' in m) return;
        // The worker's reader names the file and the line reached (a LogReadError there).
        if ('error' in m) throw new LogReadError(m.error);
        worker.postMessage('more');
        yield m;
      }
    } finally {
      await worker.terminate();
    }
  })();
}
