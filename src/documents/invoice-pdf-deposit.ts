import { formatDateId } from '../domain/indonesian-dates.ts';
import { formatRupiah } from '../domain/money.ts';
import { percentOfQuota, quotaFor, quotaLevel } from '../domain/quota.ts';
import { ensureSpace } from './invoice-pdf-pages.ts';
import { word } from './invoice-wording.ts';
import {
  ACCENT,
  FILL,
  LEFT,
  MUTED,
  type Pen,
  RIGHT,
  RULE,
  type Style,
  WATERMARK,
  wrap,
  write,
  writeBilingual,
} from './pdf-pen.ts';

export function boxTitle(doc: PDFKit.PDFDocument, key: string, x: number, y: number): void {
  writeBilingual(doc, word(`${key}.id`), word(`${key}.en`), x, y, { size: 8.5, bold: true, color: ACCENT });
}

/** Payment instructions on the left, the guarantee deposit and quota (R9, R10) on the right. */
export function drawPaymentAndDeposit(pen: Pen): void {
  const { doc, data } = pen;
  const gap = 14;
  const paymentWidth = 275;
  const depositLeft = LEFT + paymentWidth + gap;
  const depositWidth = RIGHT - depositLeft;
  const x = LEFT + 10;
  const valueX = x + 122;
  const valueStyle: Style = { size: 8, bold: true };
  // Payment details are never cut: a customer copies the account name and number from here.
  const payment = (
    [
      ['payment.bank', data.bank.bankName],
      ['payment.accountName', data.bank.accountName],
      ['payment.accountNumber', data.bank.accountNumber],
      ['payment.reference', pen.number],
      ['payment.payBy', formatDateId(data.dueDate)],
    ] as const
  ).map(([key, value]) => ({ key, lines: wrap(doc, value, LEFT + paymentWidth - 10 - valueX, valueStyle) }));
  const extraLines = payment.reduce((sum, row) => sum + row.lines.length - 1, 0);
  const height = 104 + extraLines * 10;
  ensureSpace(pen, height + 14);
  const top = pen.y;
  doc.rect(LEFT, top, paymentWidth, height).lineWidth(0.7).strokeColor(RULE).stroke();
  doc.rect(depositLeft, top, depositWidth, height).lineWidth(0.7).strokeColor(RULE).stroke();

  // Payment: the transfer reference is the invoice number, so finance can match the mutation.
  boxTitle(doc, 'payment.title', x, top + 8);
  writeBilingual(doc, word('payment.intro.id'), word('payment.intro.en'), x, top + 23, { size: 7.5 });
  let y = top + 38;
  for (const { key, lines } of payment) {
    writeBilingual(doc, word(`${key}.id`), word(`${key}.en`), x, y, { size: 7.5 });
    for (const [index, line] of lines.entries()) {
      write(doc, line, valueX, y - 0.5 + index * 10, valueStyle);
    }
    y += 12.5 + (lines.length - 1) * 10;
  }

  // Deposit: R10 quota is 2 × the deposit unless the customer has an override (quotaFor).
  const dx = depositLeft + 10;
  const dWidth = depositWidth - 20;
  const { balance, quota, used } = data.deposit;
  boxTitle(doc, 'deposit.title', dx, top + 8);
  const quotaNote = quota === quotaFor(balance, null) ? ` · ${word('deposit.quotaIsTwiceDeposit')}` : '';
  const deposit: ReadonlyArray<readonly [string, string, string]> = [
    ['deposit.balance', '', formatRupiah(balance)],
    ['deposit.quota', quotaNote, formatRupiah(quota)],
    ['deposit.used', '', formatRupiah(used)],
  ];
  y = top + 24;
  for (const [key, note, value] of deposit) {
    write(doc, word(`${key}.id`), dx, y, { size: 8 });
    write(doc, `${word(`${key}.en`)}${note}`, dx, y + 9.5, { size: 6.5, color: MUTED });
    write(doc, value, dx, y, { size: 8.5, bold: true }, 'right', dWidth);
    y += 20;
  }
  const usedShare = word('deposit.usedShare', { percent: percentOfQuota(used, quota) });
  write(doc, usedShare, dx, y - 20 + 9.5, { size: 6.5 }, 'right', dWidth);
  const barY = top + height - 17;
  doc.rect(dx, barY, dWidth, 6).fillColor(FILL).fill();
  // A float is fine for a bar length; the printed percent is exact. R10: from the warning level the bar turns red.
  const share = quota > 0 ? Math.min(1, used / quota) : 0;
  if (share > 0)
    doc
      .rect(dx, barY, dWidth * share, 6)
      .fillColor(quotaLevel(used, quota) === 'ok' ? ACCENT : WATERMARK)
      .fill();

  pen.y = top + height + 14;
}
