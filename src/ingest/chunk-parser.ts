import { Worker } from 'node:worker_threads';
import { type LineChunk, type ParsedChunk, parseChunk } from './parse-chunk.ts';
import type { ParseContext } from './parse-line.ts';

export interface ChunkParser {
  /** Parses a chunk; answers come back in the order asked. */
  parse(chunk: LineChunk): Promise<ParsedChunk>;
  close(): Promise<void>;
}

/**
 * Parses on a worker thread, so one core parses while the other runs PostgreSQL's COPY (and this thread only reads
 * lines and feeds the COPY). Where workers cannot load TypeScript (a test runner that transforms files itself), it
 * parses on this thread; the rows are the same either way.
 */
export function createChunkParser(ctx: ParseContext): ChunkParser {
  const loadsTypeScript = process.execArgv.some((a) => a.includes('tsx'));
  if (!loadsTypeScript || process.env.VITEST) {
    return { parse: async (chunk) => parseChunk(chunk, ctx), close: async () => {} };
  }
  // A chunk needs a few MB: a small heap keeps the worker's memory flat however long the log is.
  const worker = new Worker(new URL('./parse-worker-entry.mjs', import.meta.url), {
    workerData: ctx,
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
  });
  const pending = new Map<number, { resolve: (p: ParsedChunk) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let broken: Error | null = null;
  const fail = (error: Error) => {
    broken = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (m: { id: number; parsed: ParsedChunk }) => {
    pending.get(m.id)?.resolve(m.parsed);
    pending.delete(m.id);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (pending.size > 0) fail(new Error(`the log parser thread stopped (exit code ${code})`));
  });
  return {
    parse(chunk) {
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, chunk });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
