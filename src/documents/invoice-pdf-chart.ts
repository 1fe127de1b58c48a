import { formatNumberId } from '../domain/money.ts';
import { boxTitle } from './invoice-pdf-deposit.ts';
import { ensureSpace } from './invoice-pdf-pages.ts';
import { word } from './invoice-wording.ts';
import { ACCENT, FILL, LEFT, MUTED, type Pen, RIGHT, rule, WIDTH, wrap, write } from './pdf-pen.ts';

/** Parts per day as vector bars, one per day of the period. */
export function drawDailyChart(pen: Pen): void {
  const { doc, data } = pen;
  const chartHeight = 56;
  ensureSpace(pen, chartHeight + 46);
  boxTitle(doc, 'chart.title', LEFT, pen.y);
  const top = pen.y + 18;
  const axisWidth = 34;
  const plotLeft = LEFT + axisWidth;
  const plotWidth = RIGHT - plotLeft;
  const baseline = top + chartHeight;
  const days = data.partsPerDay;
  const max = days.reduce((m, day) => Math.max(m, day.parts), 0);

  rule(doc, plotLeft, RIGHT, top, FILL);
  rule(doc, plotLeft, RIGHT, top + chartHeight / 2, FILL);
  write(doc, formatNumberId(max), LEFT, top - 3.5, { size: 6.5, color: MUTED }, 'right', axisWidth - 5);
  write(doc, '0', LEFT, baseline - 3.5, { size: 6.5, color: MUTED }, 'right', axisWidth - 5);

  if (max === 0) {
    write(
      doc,
      word('chart.noUsage'),
      plotLeft,
      top + chartHeight / 2 - 10,
      { size: 8, color: MUTED },
      'center',
      plotWidth,
    );
  }
  const slot = days.length > 0 ? plotWidth / days.length : plotWidth;
  const barWidth = slot * 0.62;
  for (const [index, day] of days.entries()) {
    const x = plotLeft + index * slot + (slot - barWidth) / 2;
    if (day.parts > 0) {
      const barHeight = Math.max(0.8, (day.parts / max) * chartHeight);
      doc
        .rect(x, baseline - barHeight, barWidth, barHeight)
        .fillColor(ACCENT)
        .fill();
    }
    const dayOfMonth = String(Number(day.date.slice(8, 10)));
    write(
      doc,
      dayOfMonth,
      plotLeft + index * slot,
      baseline + 3,
      { size: 5.5, color: MUTED },
      'center',
      slot,
    );
  }
  rule(doc, plotLeft, RIGHT, baseline, MUTED, 0.6);
  pen.y = baseline + 22;
}

/** R11: the terms' reminder that an unpaid invoice is taken from the deposit at month end. */
export function drawTerms(pen: Pen): void {
  const { doc } = pen;
  const idLines = wrap(doc, word('terms.id'), WIDTH - 20, { size: 8 });
  const enLines = wrap(doc, word('terms.en'), WIDTH - 20, { size: 7 });
  const height = idLines.length * 11 + enLines.length * 9.5 + 12;
  ensureSpace(pen, height);
  doc.rect(LEFT, pen.y, 2.5, height).fillColor(ACCENT).fill();
  let y = pen.y + 6;
  for (const line of idLines) {
    write(doc, line, LEFT + 10, y, { size: 8 });
    y += 11;
  }
  for (const line of enLines) {
    write(doc, line, LEFT + 10, y, { size: 7, color: MUTED });
    y += 9.5;
  }
  pen.y += height + 10;
}
