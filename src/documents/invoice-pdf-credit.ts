import { formatRupiah } from '../domain/money.ts';
import { cnWord } from './credit-note-wording.ts';
import { ensureSpace } from './invoice-pdf-pages.ts';
import { type Pen, RIGHT, rule, write, writeBilingual } from './pdf-pen.ts';

/** R16: customer credit used first by this invoice ("Kredit digunakan"), and what is left to pay. */
export function drawCreditUsed(pen: Pen): void {
  const used = pen.data.creditUsed ?? 0;
  if (used <= 0) return;
  const { doc } = pen;
  ensureSpace(pen, 40);
  const boxLeft = RIGHT - 270;
  pen.y -= 6;
  const rows: ReadonlyArray<readonly [string, string, string, boolean]> = [
    [cnWord('creditUsed.id'), cnWord('creditUsed.en'), formatRupiah(-used), false],
    [
      cnWord('creditUsedDue.id'),
      cnWord('creditUsedDue.en'),
      formatRupiah(Math.max(pen.data.total - used, 0)),
      true,
    ],
  ];
  for (const [id, en, value, bold] of rows) {
    writeBilingual(doc, id, en, boxLeft + 6, pen.y + 4, { size: 8.5, bold });
    write(doc, value, boxLeft, pen.y + 4, { size: 8.5, bold }, 'right', RIGHT - boxLeft - 6);
    pen.y += 17;
    rule(doc, boxLeft, RIGHT, pen.y);
  }
  pen.y += 12;
}
