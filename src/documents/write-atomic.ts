import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** A temporary name beside the final one: the file appears under its real name only when complete. */
export function temporaryName(finalPath: string): string {
  return path.join(
    path.dirname(finalPath),
    `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Issue 17: removes the temporary files (temporaryName) a crashed run left in `folder` and its subfolders; they hold
 * customer data and would stay forever. A file whose writer is still running is left alone. Returns the paths removed.
 */
export async function removeOrphanTemporaries(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const removed: string[] = [];
  for (const entry of entries) {
    const m = TEMPORARY.exec(entry.name);
    if (!entry.isFile() || !m || processAlive(Number(m[1]))) continue;
    const file = path.join(entry.parentPath, entry.name);
    await rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}

export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const tmp = temporaryName(finalPath);
  try {
    await writeFile(tmp, data);
    await rename(tmp, finalPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Streams into a temporary file and renames it when the stream ended well. */
export async function streamFileAtomic(
  finalPath: string,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const tmp = temporaryName(finalPath);
  try {
    await write(tmp);
    await rename(tmp, finalPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Gzips a finished file into `target` (atomically) and removes the original. */
export async function gzipFile(source: string, target: string): Promise<void> {
  await streamFileAtomic(target, (tmp) =>
    pipeline(createReadStream(source), createGzip({ level: 1 }), createWriteStream(tmp)),
  );
  await rm(source, { force: true });
}

export async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** File names from invoice numbers, safe on any filesystem: INV/2026/11/00042 → INV-2026-11-00042. */
export function safeFileStem(invoiceNumber: string, customerCode: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return `${clean(invoiceNumber)}_${clean(customerCode)}`;
}
