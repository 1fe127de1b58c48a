import { parentPort, workerData } from 'node:worker_threads';
import { type LineChunk, parseChunk } from './parse-chunk.ts';
import type { ParseContext } from './parse-line.ts';
import { logSource, readLines } from './read-lines.ts';

// Parses chunks of log lines off the main thread, which meanwhile streams the previous chunks into PostgreSQL.
// Given a file, it reads the file here as well (gunzip and line splitting included), so the main thread only feeds
// the COPY; it runs at most `ahead` chunks ahead of what the main thread has taken (credits), so memory stays flat.
const data = workerData as { ctx: ParseContext; file?: string; chunkLines: number; ahead: number };
const port = parentPort!;

if (data.file === undefined) {
  port.on('message', (message: { id: number; chunk: LineChunk }) => {
    port.postMessage({ id: message.id, parsed: parseChunk(message.chunk, data.ctx) });
  });
} else {
  let credits = data.ahead;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits += 1;
    wake?.();
  });
  const send = async (texts: string[], lineNos: number[]) => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credits -= 1;
    const chunk: LineChunk = { text: texts.join('\n'), lineNos: Int32Array.from(lineNos) };
    port.postMessage({ chunk, parsed: parseChunk(chunk, data.ctx) });
  };
  try {
    let texts: string[] = [];
    let lineNos: number[] = [];
    for await (const { lineNo, text } of readLines(await logSource(data.file).open())) {
      texts.push(text);
      lineNos.push(lineNo);
      if (texts.length >= data.chunkLines) {
        await send(texts, lineNos);
        texts = [];
        lineNos = [];
      }
    }
    if (texts.length > 0) await send(texts, lineNos);
    port.postMessage({ done: true });
  } catch (error) {
    port.postMessage({ error: (error as Error).message ?? String(error) });
  }
}
