import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface LogSource {
  /** How the source is named in reports and in the rejected log ('stdin' for '-'). */
  readonly name: string;
  readonly open: () => Promise<Readable>;
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A gateway log file, gzipped or not (told by its first bytes), or standard input for '-'. */
export function logSource(file: string, stdin: Readable = process.stdin): LogSource {
  if (file === '-') return { name: 'stdin', open: async () => stdin };
  return {
    name: file,
    open: async () => {
      const raw = createReadStream(file, { highWaterMark: 1 << 20 });
      return (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
    },
  };
}

/** Yields each line with its 1-based number; a trailing empty line is not yielded. */
export async function* readLines(
  input: Readable,
): AsyncGenerator<{ readonly lineNo: number; readonly text: string }> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    yield { lineNo, text: lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line };
  }
}
