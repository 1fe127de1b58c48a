import { readFileSync } from 'node:fs';

/** Reads a reference-data CSV of migrations/data (simple: no quoted commas) into records. */
export function readDataCsv(name: string): ReadonlyArray<Readonly<Record<string, string>>> {
  const text = readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8');
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!header) throw new Error(`migrations/data/${name} is empty`);
  const keys = header.split(',').map((k) => k.trim());
  return rows.map((row, i) => {
    const cells = row.split(',').map((c) => c.trim());
    if (cells.length !== keys.length) {
      throw new Error(
        `migrations/data/${name} line ${i + 2}: expected ${keys.length} columns, found ${cells.length}`,
      );
    }
    return Object.fromEntries(keys.map((k, j) => [k, cells[j] ?? '']));
  });
}
