import { existsSync } from 'node:fs';
import path from 'node:path';
import { safeFileStem } from './write-atomic.ts';

/** R14: the one place that says where a month's documents live: <out>/<YYYY-MM>/. */
export function monthFolder(outDir: string, month: string): string {
  return path.join(outDir, month);
}

/** --dry-run documents go beside the real ones, never over them. */
export function dryRunFolder(outDir: string, month: string): string {
  return path.join(monthFolder(outDir, month), 'dry-run');
}

export interface InvoicePaths {
  readonly folder: string;
  readonly pdf: string;
  /** Where the detail CSV is written; a large one is gzipped to `${plainDetail}.gz`. */
  readonly plainDetail: string;
}

/** An invoice's PDF and detail CSV in `folder`, named after its number and customer. */
export function invoicePathsIn(folder: string, number: string, customerCode: string): InvoicePaths {
  const stem = safeFileStem(number, customerCode);
  return {
    folder,
    pdf: path.join(folder, `${stem}.pdf`),
    plainDetail: path.join(folder, `${stem}-detail.csv`),
  };
}

/** An issued invoice's files; `month` is 'YYYY-MM'. */
export function invoicePathsOf(
  outDir: string,
  month: string,
  number: string,
  customerCode: string,
): InvoicePaths {
  return invoicePathsIn(monthFolder(outDir, month), number, customerCode);
}

/** The detail CSV as it is on disk, plain or gzipped; null when neither is there. */
export function existingDetail(paths: InvoicePaths): string | null {
  return [paths.plainDetail, `${paths.plainDetail}.gz`].find((f) => existsSync(f)) ?? null;
}

export function registerPathIn(folder: string): string {
  return path.join(folder, 'register.csv');
}

export function printPackPathsIn(folder: string): { readonly pdf: string; readonly addresses: string } {
  return {
    pdf: path.join(folder, 'print-pack.pdf'),
    addresses: path.join(folder, 'print-pack-addresses.csv'),
  };
}
