// R15: the review page's prepaid tab and the receipt and statement files it links to.
import type { ServerResponse } from 'node:http';
import { loadPrepaidMonth, receiptFileOf, statementFileOf } from './load-prepaid-month.ts';
import { prepaidView } from './prepaid-page.ts';
import type { ReviewContext } from './review-handlers.ts';
import { HttpError, sendFile, sendHtml } from './review-http.ts';
import { renderPage } from './review-templates.ts';

export async function prepaidPage(ctx: ReviewContext, res: ServerResponse, month: string): Promise<void> {
  const view = prepaidView(await loadPrepaidMonth(ctx.database.db, ctx.config.outDir, month));
  const title = `Prabayar ${view.monthLabel}`;
  const layout = { title, operator: ctx.actor, notice: null, month: null, logout: ctx.csrf };
  sendHtml(res, 200, renderPage(ctx.templates, 'prepaid', layout, view));
}

/** A top-up's receipt PDF (inline), as the top-up wrote it. */
export async function receiptFile(ctx: ReviewContext, res: ServerResponse, topupId: number): Promise<void> {
  const found = await receiptFileOf(ctx.database.db, ctx.config.outDir, topupId);
  if (!found) throw new HttpError(404, `There is no top-up ${topupId}.`);
  if (!found.file) {
    throw new HttpError(
      404,
      `The receipt PDF of ${found.number} is not in ${ctx.config.outDir}; 'npm run topups -- add' writes it when the top-up is recorded.`,
    );
  }
  return sendFile(res, found.file, 'application/pdf', 'inline');
}

/** A month's statement (LAPORAN SALDO) of one account: the PDF inline, the detail CSV as a download. */
export async function statementFile(
  ctx: ReviewContext,
  res: ServerResponse,
  customerId: number,
  month: string,
  which: 'pdf' | 'csv',
): Promise<void> {
  const found = await statementFileOf(ctx.database.db, ctx.config.outDir, customerId, month);
  if (!found) throw new HttpError(404, `There is no customer ${customerId}.`);
  const file = which === 'pdf' ? found.pdf : found.csv;
  if (!file) {
    throw new HttpError(
      404,
      `The ${month} statement ${which.toUpperCase()} of ${found.code} is not in ${ctx.config.outDir}; 'npm run topups -- statements --month ${month}' writes the statements not issued yet.`,
    );
  }
  if (which === 'pdf') return sendFile(res, file, 'application/pdf', 'inline');
  return sendFile(res, file, 'text/csv; charset=utf-8', 'attachment');
}
