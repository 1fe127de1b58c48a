import { readFile, writeFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { percentOfQuota, renderInvoicePdf } from '../../src/documents/invoice-pdf.ts';
import { mergePdfs } from '../../src/documents/print-pack.ts';
import { invoicePdfData, invoicePdfDataWithLines } from '../fixtures/invoice-pdf-data.ts';

const GOLDEN = new URL('../golden/invoice-pdf.txt', import.meta.url);

async function pagesOf(pdf: Uint8Array): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const { pages } = await parser.getText();
    return pages.map((page) => page.text);
  } finally {
    await parser.destroy();
  }
}

/** One space for every run of whitespace: a wrapped sentence reads as one line. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('invoice PDF', () => {
  it('R14: the text of the typical invoice matches the golden file (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const text = (await pagesOf(await renderInvoicePdf(invoicePdfData))).join('\n-- page --\n');
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN, text);
    expect(text).toBe(await readFile(GOLDEN, 'utf8'));
  });

  it('R6, R7, R8: shows number, dates in Indonesian, rupiah amounts, DPP Nilai Lain, PPN 12% and terbilang', async () => {
    const pages = await pagesOf(await renderInvoicePdf(invoicePdfData));
    expect(pages).toHaveLength(1);
    const text = flat(pages.join('\n'));
    expect(text).toContain('INV/2026/12/00042');
    expect(text).toContain('1 Desember 2026'); // invoice date
    expect(text).toContain('15 Desember 2026'); // R8: due date = invoice date + 14 days
    expect(text).toContain('1–30 November 2026');
    expect(text).toContain('Rp 524.960');
    expect(text).toContain('Penggantian Service charge Rp 1.207.000'); // R6: the subtotal of a service
    expect(text).not.toContain('Harga Jual');
    expect(text).toContain('DPP Nilai Lain Tax base, 11/12 of Penggantian Rp 1.106.417'); // R6: whole rupiah
    expect(text).not.toContain('1.106.416,67');
    // R18: the price list in force and the tier the month reached.
    expect(text).toContain(
      'Daftar harga / Price list WhatsApp OTP: WhatsApp OTP Pascabayar 1 Maret 2022 · volume · tingkat / tier 1.000–4.999 part',
    );
    expect(text).toContain('PPN 12%');
    expect(text).toContain('Rp 132.770');
    expect(text).toContain('Rp 1.339.770');
    expect(text).toContain(
      'Terbilang: Satu juta tiga ratus tiga puluh sembilan ribu tujuh ratus tujuh puluh rupiah',
    );
    expect(text).toContain(
      'Apabila sampai akhir bulan belum ada pembayaran, tagihan akan otomatis memotong deposit jaminan.',
    );
    expect(text).toContain('Jaminan deposit');
    expect(text).toContain('Rp 20.000.000');
    expect(text).toContain('6,0% dari kuota');
    expect(text).toContain('Halaman 1 dari 1 / Page 1 of 1');
    expect(text).not.toContain('DRAFT');
  });

  it('R6: PPN 11% invoices (before 2025) have no DPP Nilai Lain line', async () => {
    const pages = await pagesOf(
      await renderInvoicePdf({
        ...invoicePdfData,
        invoiceDate: '2024-12-01',
        dueDate: '2024-12-15',
        tax: { label: 'PPN 11%', dppHundredths: null, amount: 132770 },
      }),
    );
    const text = flat(pages.join('\n'));
    expect(text).toContain('PPN 11%');
    expect(text).not.toContain('DPP Nilai Lain');
  });

  it('R14: the same data gives the same bytes, whatever was rendered in between', async () => {
    const first = await renderInvoicePdf(invoicePdfData);
    await renderInvoicePdf({ ...invoicePdfDataWithLines(80), draft: true });
    const again = await renderInvoicePdf(structuredClone(invoicePdfData));
    expect(again.equals(first)).toBe(true);
  });

  it('R7: an 80-line invoice runs over several pages with the table header on each', async () => {
    const pages = await pagesOf(await renderInvoicePdf(invoicePdfDataWithLines(80)));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const [index, page] of pages.entries()) {
      expect(flat(page)).toContain(
        `Halaman ${index + 1} dari ${pages.length} / Page ${index + 1} of ${pages.length}`,
      );
    }
    const pagesWithLines = pages.filter((page) => page.includes('WhatsApp OTP'));
    expect(pagesWithLines.length).toBeGreaterThanOrEqual(2);
    for (const page of pagesWithLines) {
      for (const heading of [
        'Produk',
        'Operator',
        'Pesan',
        'Harga satuan',
        'Unit price',
        'Jumlah',
        'Amount',
      ]) {
        expect(page).toContain(heading);
      }
    }
  });

  it('R7: a draft shows DRAFT instead of a number', async () => {
    const text = flat((await pagesOf(await renderInvoicePdf({ ...invoicePdfData, draft: true }))).join('\n'));
    expect(text).toContain('DRAFT');
    expect(text).not.toContain('INV/2026/12/00042');
  });

  it.each([
    [1207000, 20000000, '6,0%'],
    [1234567, 20000000, '6,2%'],
    [16000000, 20000000, '80,0%'],
    [1, 2000, '0,1%'], // 0,05 rounds half up
    [1, 2001, '0,0%'],
    [25000000, 20000000, '125,0%'],
    [0, 0, '—'],
  ])('R10: %i used of a %i quota is %s', (used, quota, expected) => {
    expect(percentOfQuota(used, quota)).toBe(expected);
  });
});

describe('print pack', () => {
  it('R14: merging two invoices gives a PDF with the pages of both', async () => {
    const one = await renderInvoicePdf(invoicePdfData);
    const many = await renderInvoicePdf(invoicePdfDataWithLines(80));
    const pack = await mergePdfs([one, many]);
    const pageCount = async (pdf: Uint8Array) => (await PDFDocument.load(pdf)).getPageCount();
    expect(await pageCount(pack)).toBe((await pageCount(one)) + (await pageCount(many)));
    expect(await pageCount(one)).toBe(1);
    expect(Buffer.from(await mergePdfs([one, many])).equals(Buffer.from(pack))).toBe(true);
  });
});
