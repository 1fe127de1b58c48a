import { parentPort, workerData } from 'node:worker_threads';
import { type LineChunk, parseChunk } from './parse-chunk.ts';
import type { ParseContext } from './parse-line.ts';

// Parses chunks of log lines off the main thread, which meanwhile streams the previous chunks into PostgreSQL.
const ctx = workerData as ParseContext;
parentPort!.on('message', (message: { id: number; chunk: LineChunk }) => {
  parentPort!.postMessage({ id: message.id, parsed: parseChunk(message.chunk, ctx) });
});
