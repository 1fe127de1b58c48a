import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface LogSource {
  /** How the source is named in reports and in the rejected log ('stdin' for '-'). */
  readonly name: string;
  readonly open: () => Promise<Readable>;
  /** Bytes read so far from the file as stored (compressed for .gz), for progress; 0 for standard input. */
  readonly bytesRead: () => number;
  /** The file's size in bytes, or null when unknown (standard input). */
  readonly size: () => Promise<number | null>;
  /** The file on disk, when the source is one: another thread (the parse worker, issue 16) may open it itself. */
  readonly path?: string;
  /** Tells the source how many bytes that other thread has read of it, so bytesRead() stays true for progress. */
  readonly noteBytesRead?: (bytes: number) => void;
}

/** A log that cannot be read on (damaged gzip data, an unreadable file): names the source and the line reached. */
export class LogReadError extends Error {
  override readonly name = 'LogReadError';
}

/** A line longer than this is rejected whole (a heap of 160 MB must hold two batches of lines). */
export const MAX_LINE_BYTES = 64 * 1024;
/** What is kept of an overlong line in the rejected log. */
const KEPT_BYTES_OF_LONG_LINE = 4096;

const OTHER_FORMATS: ReadonlyArray<readonly [string, ReadonlyArray<number>, string]> = [
  ['bzip2', [0x42, 0x5a, 0x68], 'bzcat'],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xzcat'],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'zstdcat'],
  ['zip', [0x50, 0x4b, 0x03, 0x04], 'unzip -p'],
];

function startsWith(head: Buffer, magic: ReadonlyArray<number>): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

function toBuffer(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

/**
 * The stream as JSON lines: gunzipped when it starts with gzip's magic bytes (files and standard input alike);
 * refused with what to do when it is another compressed format.
 */
async function decompressed(name: string, input: Readable): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  try {
    while (size < 6) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = toBuffer(next.value);
      head.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    throw new LogReadError(
      `${name}: cannot be read (${(error as Error).message}). Nothing was loaded from it.`,
    );
  }
  const first = Buffer.concat(head);
  for (const [format, magic, tool] of OTHER_FORMATS) {
    if (startsWith(first, magic)) {
      throw new LogReadError(
        `${name}: this is ${format} data; tagih reads JSON lines, plain or gzipped. Decompress it first, e.g. ${tool} FILE | npm run ingest -- -`,
      );
    }
  }
  const whole = Readable.from(
    (async function* () {
      yield* head;
      if (!ended) for await (const chunk of { [Symbol.asyncIterator]: () => iterator }) yield toBuffer(chunk);
    })(),
    { objectMode: false },
  );
  if (!startsWith(first, [0x1f, 0x8b])) return whole;
  return pipeline(whole, createGunzip(), () => {});
}

/** A gateway log file, gzipped or not (told by its first bytes), or standard input for '-'. */
export function logSource(file: string, stdin: Readable = process.stdin): LogSource {
  if (file === '-') {
    return {
      name: 'stdin',
      open: () => decompressed('stdin', stdin),
      bytesRead: () => 0,
      size: async () => null,
    };
  }
  let raw: ReturnType<typeof createReadStream> | null = null;
  let readElsewhere = 0;
  return {
    name: file,
    open: async () => {
      raw = createReadStream(file, { highWaterMark: 1 << 20 });
      return decompressed(file, raw);
    },
    bytesRead: () => raw?.bytesRead ?? readElsewhere,
    size: async () => (await stat(file)).size,
    path: file,
    noteBytesRead: (bytes) => {
      readElsewhere = bytes;
    },
  };
}

export interface LogLine {
  /** 1-based, counted by '\n' only: a CR inside a line does not start a new one. */
  readonly lineNo: number;
  /** The line without its '\n' or '\r\n', NUL characters written as the JSON escape \u0000 (PostgreSQL text holds no NUL). */
  readonly text: string;
  /** Set for a line over MAX_LINE_BYTES: its length in bytes; `text` is then only its beginning. */
  readonly tooLongBytes?: number;
}

class LineBuffer {
  private parts: Buffer[] = [];
  private kept = 0;
  private total = 0;

  add(chunk: Buffer, start: number, end: number, limit: number): void {
    this.total += end - start;
    const room = (this.total > limit ? KEPT_BYTES_OF_LONG_LINE : limit) - this.kept;
    const take = Math.min(room, end - start);
    if (take > 0) {
      this.parts.push(Buffer.from(chunk.subarray(start, start + take)));
      this.kept += take;
    }
  }

  get empty(): boolean {
    return this.total === 0;
  }

  take(lineNo: number, limit: number): LogLine {
    let bytes = Buffer.concat(this.parts);
    const tooLong = this.total > limit ? this.total : undefined;
    if (tooLong !== undefined) bytes = bytes.subarray(0, KEPT_BYTES_OF_LONG_LINE);
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    return line(lineNo, bytes, 0, bytes.length, tooLong);
  }
}

function line(lineNo: number, bytes: Buffer, start: number, end: number, tooLongBytes?: number): LogLine {
  // A '\r' right before the '\n' is the CRLF line ending; any other CR is part of the line.
  const stop = end > start && bytes[end - 1] === 13 && tooLongBytes === undefined ? end - 1 : end;
  let text = bytes.toString('utf8', start, stop);
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\0')) text = text.replaceAll('\0', '\\u0000');
  return tooLongBytes === undefined ? { lineNo, text } : { lineNo, text, tooLongBytes };
}

/**
 * Yields each line with its 1-based number; a trailing empty line is not yielded. Lines are split at '\n' only
 * (readline also splits at a lone '\r', which shifted every later line number). Reading errors become a
 * LogReadError naming the source and the line reached.
 */
export async function* readLines(
  input: Readable,
  name = 'input',
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<LogLine> {
  const pending = new LineBuffer();
  let lineNo = 0;
  try {
    for await (const chunk of input) {
      const buffer = toBuffer(chunk);
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(10, start);
        const end = newline === -1 ? buffer.length : newline;
        if (newline !== -1 && pending.empty && end - start <= maxLineBytes) {
          yield line(++lineNo, buffer, start, end);
        } else {
          pending.add(buffer, start, end, maxLineBytes);
          if (newline !== -1) yield pending.take(++lineNo, maxLineBytes);
        }
        if (newline === -1) break;
        start = newline + 1;
      }
    }
  } catch (error) {
    throw readError(name, lineNo, error);
  }
  if (!pending.empty) yield pending.take(++lineNo, maxLineBytes);
}

function readError(name: string, lineNo: number, error: unknown): Error {
  if (error instanceof LogReadError) return error;
  const code = (error as { code?: string }).code ?? '';
  const what = code.startsWith('Z_')
    ? `the gzip data is damaged (${(error as Error).message})`
    : `reading failed (${(error as Error).message})`;
  return new LogReadError(
    `${name}: ${what} after line ${lineNo}. The lines before it are loaded; fix or replace the file and ingest it again (lines already loaded count as duplicates).`,
  );
}
