import { MONTHS_ID } from '../domain/indonesian-dates.ts';
import { formatNumberId, formatRupiah } from '../domain/money.ts';
import { formatWib, parseYearMonth } from '../domain/period.ts';

// Words and figures as the review page shows them: Indonesian first, English second.

export interface Label {
  readonly id: string;
  readonly en: string;
}

export const STATE_LABELS: Readonly<Record<'pending' | 'approved' | 'held' | 'void', Label>> = {
  pending: { id: 'Menunggu', en: 'Pending review' },
  approved: { id: 'Disetujui', en: 'Approved' },
  held: { id: 'Ditahan', en: 'Held' },
  void: { id: 'Batal', en: 'Void' },
};

export const PAYMENT_LABELS: Readonly<Record<string, Label>> = {
  issued: { id: 'Belum dibayar', en: 'Unpaid' },
  partially_paid: { id: 'Dibayar sebagian', en: 'Partly paid' },
  paid: { id: 'Lunas', en: 'Paid' },
  settled_from_deposit: { id: 'Lunas dari deposit', en: 'Settled from deposit' },
  credited: { id: 'Dikreditkan', en: 'Credited' },
  void: { id: 'Batal', en: 'Void' },
};

export const MAIL_LABELS: Readonly<Record<string, Label>> = {
  held: { id: 'Ditahan', en: 'Held' },
  pending: { id: 'Antre', en: 'Queued' },
  sent: { id: 'Terkirim', en: 'Sent' },
  failed: { id: 'Gagal', en: 'Failed' },
  cancelled: { id: 'Dibatalkan', en: 'Cancelled' },
  none: { id: 'Tidak ada', en: 'None' },
};

export const EVENT_LABELS: Readonly<Record<string, Label>> = {
  issued: { id: 'Diterbitkan', en: 'Issued' },
  approved: { id: 'Disetujui', en: 'Approved' },
  held: { id: 'Ditahan', en: 'Held' },
  released: { id: 'Dilepas dari tahanan', en: 'Released to review' },
  voided: { id: 'Dibatalkan', en: 'Voided' },
  replaced: { id: 'Diganti', en: 'Replaced' },
  reissued: { id: 'Diterbitkan ulang', en: 'Reissued' },
  mailed: { id: 'Surel terkirim', en: 'Mailed' },
  payment: { id: 'Pembayaran', en: 'Payment' },
  settled_from_deposit: { id: 'Dilunasi dari deposit', en: 'Settled from deposit' },
  // R16: the invoice's credit notes stand in its history.
  credit_note: { id: 'Nota kredit', en: 'Credit note' },
  credit_used: { id: 'Kredit digunakan', en: 'Credit used' },
};

export function eventLabel(event: string): Label {
  return EVENT_LABELS[event] ?? { id: event, en: event };
}

/** '2026-11-15' → '15 Nov 2026'. */
export function shortDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS_ID[m - 1]!.slice(0, 3)} ${y}`;
}

/** An instant as finance reads it: '1 Nov 2026 10:11 WIB'. */
export function wibTime(at: Date): string {
  const s = formatWib(at);
  return `${shortDate(s.slice(0, 10))} ${s.slice(11, 16)} WIB`;
}

/** '2026-10' → 'Okt 2026'. */
export function shortMonth(month: string): string {
  const p = parseYearMonth(month)!;
  return `${MONTHS_ID[p.month - 1]!.slice(0, 3)} ${p.year}`;
}

export { formatNumberId as parts, formatRupiah as rupiah };

export interface Change {
  readonly text: string;
  readonly tone: 'up' | 'down' | 'flat';
}

/** A month's amount against the previous month's: '+Rp 120.000 (+12,5%)'. */
export function changeOf(current: number, previous: number): Change {
  if (previous === 0) {
    return { text: current === 0 ? '—' : 'baru · new (bulan lalu nihil)', tone: 'flat' };
  }
  const delta = current - previous;
  if (delta === 0) return { text: 'sama · unchanged', tone: 'flat' };
  const percent = ((Math.abs(delta) * 100) / previous).toFixed(1).replace('.', ',');
  const sign = delta > 0 ? '+' : '−';
  return {
    text: `${sign}${formatRupiah(Math.abs(delta))} (${sign}${percent}%)`,
    tone: delta > 0 ? 'up' : 'down',
  };
}
