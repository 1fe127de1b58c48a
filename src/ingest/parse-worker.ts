import { parentPort, workerData } from 'node:worker_threads';
import { type LineChunk, parseChunk } from './parse-chunk.ts';
import type { ParseContext } from './parse-line.ts';
import { logSource, readLines } from './read-lines.ts';

// Parses chunks of log lines off the main thread, which meanwhile streams the previous chunks into PostgreSQL.
// Given a file, it reads the file here as well (gunzip and line splitting included), so the main thread only feeds
// the COPY; it runs at most `ahead` chunks ahead of what the main thread has taken (credits), so memory stays flat.
const data = workerData as {
  /** The context of every chunk, or (the API's batch parser) none: each message then brings its own. */
  ctx?: ParseContext;
  /** Each chunk parsed with its lines' sendingids (ParsedChunk.lineSendingIds). */
  perLine?: boolean;
  /** The file as given (opened here) and as named in reports and the rejected log. */
  file?: string;
  name: string;
  chunkLines: number;
  maxChunkCharacters: number;
  ahead: number;
};
const port = parentPort!;

if (data.file === undefined) {
  // The API's batches: a message brings its context, or only its clock when the context is the one sent last.
  let last: ParseContext | undefined = data.ctx;
  port.on('message', (message: { id: number; chunk: LineChunk; ctx?: ParseContext; now?: Date }) => {
    if (message.ctx !== undefined) last = message.ctx;
    const ctx = message.now === undefined ? last! : { ...last!, now: message.now };
    port.postMessage({
      id: message.id,
      parsed: parseChunk(message.chunk, ctx, 0, { perLine: data.perLine }),
    });
  });
} else {
  let credits = data.ahead;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits += 1;
    wake?.();
  });
  const source = logSource(data.file);
  let texts: string[] = [];
  let lineNos: number[] = [];
  let tooLong: Array<{ index: number; bytes: number }> = [];
  let characters = 0;
  const send = async () => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credits -= 1;
    const chunk: LineChunk = { text: texts.join('\n'), lineNos: Int32Array.from(lineNos), tooLong };
    texts = [];
    lineNos = [];
    tooLong = [];
    characters = 0;
    port.postMessage({ chunk, parsed: parseChunk(chunk, data.ctx!, source.bytesRead()) });
  };
  try {
    // The ingest's own reader (issue 17): '\n' only, gzip told by its magic bytes, overlong lines cut and flagged.
    for await (const { lineNo, text, tooLongBytes } of readLines(await source.open(), data.name)) {
      if (tooLongBytes !== undefined) tooLong.push({ index: texts.length, bytes: tooLongBytes });
      texts.push(text);
      lineNos.push(lineNo);
      characters += text.length;
      if (texts.length >= data.chunkLines || characters >= data.maxChunkCharacters) await send();
    }
    if (texts.length > 0) await send();
    port.postMessage({ done: true });
  } catch (error) {
    // The lines read before the error are loaded, as the error says.
    if (texts.length > 0) await send();
    port.postMessage({ error: (error as Error).message ?? String(error) });
  }
}
