// R15: where a prepaid account's documents go, relative to the out folder (as mail payloads name them).
import path from 'node:path';

const safe = (s: string) => s.replaceAll('/', '-');

/** 'prepaid/ACME/INV-2026-12-00003.pdf': the receipt of a top-up. */
export function receiptPdfPath(customerCode: string, receiptNumber: string): string {
  return path.posix.join('prepaid', customerCode, `${safe(receiptNumber)}.pdf`);
}

/** 'prepaid/ACME/LAPORAN-SALDO-2026-11.pdf' and its '.csv' detail: the month's statement. */
export function statementPaths(
  customerCode: string,
  month: string,
): { readonly pdf: string; readonly csv: string } {
  const base = path.posix.join('prepaid', customerCode, `LAPORAN-SALDO-${month}`);
  return { pdf: `${base}.pdf`, csv: `${base}.csv` };
}
