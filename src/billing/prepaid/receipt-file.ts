// R15: the receipt invoice of a top-up as a PDF file (written after the top-up commits; the mail attaches it).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { renderPrepaidPdf } from '../../documents/prepaid-pdf.ts';
import { writeFileAtomic } from '../../documents/write-atomic.ts';
import { formatDateId } from '../../domain/indonesian-dates.ts';
import { formatRupiah } from '../../domain/money.ts';
import { formatDpp } from '../../domain/tax.ts';
import { receiptPdfPath } from './prepaid-paths.ts';

/** Writes the receipt of the top-up numbered `receiptNumber`; returns its path. */
export async function writeReceiptPdf(db: Db, config: Config, receiptNumber: string): Promise<string> {
  const t = await db
    .selectFrom('prepaid_topups as t')
    .innerJoin('customers as c', 'c.id', 't.customer_id')
    .select([
      't.number',
      't.topup_date',
      't.amount',
      't.tax',
      't.total',
      't.tax_label',
      't.dpp_hundredths',
      't.unit_price',
      't.expires_on',
    ])
    .select(['c.code', 'c.name', 'c.address', 'c.npwp'])
    .where('t.number', '=', receiptNumber)
    .executeTakeFirstOrThrow();
  const bytes = await renderPrepaidPdf({
    titleId: 'KUITANSI TOP-UP',
    titleEn: 'Top-up receipt',
    reference: t.number,
    date: t.topup_date,
    seller: config.company,
    buyer: { code: t.code, name: t.name, address: t.address, npwp: t.npwp },
    rows: [
      { id: 'Top-up saldo prepaid (Penggantian)', en: 'Prepaid top-up', value: t.amount },
      ...(t.dpp_hundredths === null
        ? []
        : [{ id: 'DPP Nilai Lain', en: 'Tax base', value: `Rp ${formatDpp(t.dpp_hundredths)}` }]),
      { id: t.tax_label, en: 'VAT', value: t.tax },
      { id: 'Total dibayar', en: 'Total paid', value: t.total, strong: true },
      { id: 'Harga per part', en: 'Price per part', value: formatRupiah(t.unit_price) },
      { id: 'Masa aktif saldo sampai', en: 'Balance valid until', value: formatDateId(t.expires_on) },
    ],
    notes: [
      'Saldo bertambah sebesar nilai top-up sebelum PPN; saldo prepaid tidak dapat dikembalikan (R15).',
      'The balance grows by the top-up before VAT; a prepaid balance is never refunded.',
    ],
  });
  const relative = receiptPdfPath(t.code, t.number);
  const file = path.join(config.outDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
  return file;
}
