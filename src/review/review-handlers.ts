import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { parseYearMonth } from '../domain/period.ts';
import { invoiceView } from './invoice-page.ts';
import { loadInvoice } from './load-invoice.ts';
import { loadReviewMonth, type ReviewInvoice } from './load-review-month.ts';
import { monthView } from './month-page.ts';
import { crossSiteReason } from './request-guard.ts';
import { approveInvoices, holdInvoice, voidAndReissue } from './review-actions.ts';
import { HttpError, idOf, readForm, redirect, sendFile, sendHtml } from './review-http.ts';
import { rupiah } from './review-labels.ts';
import { noticeOf } from './review-notices.ts';
import { unflaggedAwaiting } from './review-selection.ts';
import type { ReviewSettings } from './review-settings.ts';
import { parseTableQuery } from './review-table.ts';
import { type loadReviewTemplates, renderPage } from './review-templates.ts';

/** What every handler of one review server shares. */
export interface ReviewContext {
  readonly database: Database;
  readonly config: Config;
  readonly settings: ReviewSettings;
  readonly templates: ReturnType<typeof loadReviewTemplates>;
  /** This server's secret for its forms. */
  readonly csrf: string;
  /** Who is logged in: named in the invoice events of the actions (the review user, not the OS account). */
  readonly actor: string;
  readonly now: () => Date;
}

export function messagePage(
  ctx: ReviewContext,
  res: ServerResponse,
  status: number,
  title: string,
  text: string,
  back: string,
): void {
  const page = renderPage(
    ctx.templates,
    'message',
    { title, operator: ctx.actor, notice: null, month: null },
    { title, text, back },
  );
  sendHtml(res, status, page);
}

export async function monthPage(
  ctx: ReviewContext,
  res: ServerResponse,
  month: string,
  params: URLSearchParams,
): Promise<void> {
  const data = await loadReviewMonth(ctx.database.db, month, ctx.settings);
  const view = monthView(data, { csrf: ctx.csrf, settings: ctx.settings, query: parseTableQuery(params) });
  const title = `Tinjauan ${view.monthLabel}`;
  const page = renderPage(
    ctx.templates,
    'month',
    { title, operator: ctx.actor, notice: noticeOf(params, null), month: null, logout: ctx.csrf },
    view,
  );
  sendHtml(res, 200, page);
}

export async function invoicePage(
  ctx: ReviewContext,
  res: ServerResponse,
  id: number,
  params: URLSearchParams,
): Promise<void> {
  const detail = await loadInvoice(ctx.database.db, ctx.config.outDir, id);
  if (!detail) throw new HttpError(404, `There is no invoice ${id}.`);
  const month = await loadReviewMonth(ctx.database.db, detail.month, ctx.settings);
  const flags = month.invoices.find((i) => i.id === id)?.flags ?? [];
  const view = invoiceView(detail, { csrf: ctx.csrf, flags });
  const notice = noticeOf(params, detail.replaces?.number ?? null);
  const page = renderPage(
    ctx.templates,
    'invoice',
    { title: detail.number, operator: ctx.actor, notice, month: detail.month, logout: ctx.csrf },
    view,
  );
  sendHtml(res, 200, page);
}

/** An invoice's PDF (inline) or detail CSV (download), as the invoice run wrote them. */
export async function invoiceFile(
  ctx: ReviewContext,
  res: ServerResponse,
  id: number,
  which: 'pdf' | 'detail',
): Promise<void> {
  const { outDir } = ctx.config;
  const detail = await loadInvoice(ctx.database.db, outDir, id);
  if (!detail) throw new HttpError(404, `There is no invoice ${id}.`);
  const missing = (what: string) =>
    new HttpError(
      404,
      `The ${what} of ${detail.number} is not in ${outDir}; run 'npm run invoice -- --month ${detail.month}' to write missing files.`,
    );
  if (which === 'pdf') {
    if (!detail.pdf) throw missing('PDF');
    return sendFile(res, detail.pdf, 'application/pdf', 'inline');
  }
  if (!detail.detailCsv) throw missing('detail CSV');
  const gz = detail.detailCsv.endsWith('.gz');
  return sendFile(res, detail.detailCsv, gz ? 'application/gzip' : 'text/csv; charset=utf-8', 'attachment');
}

async function approve(ctx: ReviewContext, res: ServerResponse, form: URLSearchParams): Promise<void> {
  const month = form.get('month') ?? '';
  if (!parseYearMonth(month)) throw new HttpError(400, `Month '${month}' is not of the form YYYY-MM.`);
  let ids: number[];
  if (form.get('scope') === 'unflagged') {
    const data = await loadReviewMonth(ctx.database.db, month, ctx.settings);
    const chosen = unflaggedAwaiting(data);
    // "Approve all" mails many customers in one click: a second form with the count confirms it. A count that
    // changed meanwhile (an invoice reissued, a flag raised) asks again.
    if (chosen.length > 0 && form.get('confirm') !== String(chosen.length)) {
      return confirmPage(ctx, res, month, chosen);
    }
    ids = chosen.map((i) => i.id);
  } else {
    ids = form
      .getAll('id')
      .map(Number)
      .filter((n) => Number.isSafeInteger(n) && n > 0);
  }
  const result = await approveInvoices(ctx.database, ctx.config, ids, ctx.actor, ctx.now());
  const back = form.get('back') === 'invoice' && ids.length === 1 ? `/invoice/${ids[0]}` : `/month/${month}`;
  const failed = result.mail.failed + result.mail.retrying;
  redirect(
    res,
    `${back}?done=approved&n=${result.approved.length}&sent=${result.mail.sent}&failed=${failed}`,
  );
}

function confirmPage(
  ctx: ReviewContext,
  res: ServerResponse,
  month: string,
  chosen: ReadonlyArray<ReviewInvoice>,
): void {
  const title = `Setujui ${chosen.length} faktur?`;
  const view = {
    count: chosen.length,
    month,
    csrf: ctx.csrf,
    invoices: chosen.map((i) => ({ number: i.number, customerCode: i.customerCode, total: rupiah(i.total) })),
  };
  sendHtml(
    res,
    200,
    renderPage(ctx.templates, 'confirm', { title, operator: ctx.actor, notice: null, month }, view),
  );
}

/** A POST: checked against cross-site requests, then approve, hold, or void and reissue. */
export async function post(
  ctx: ReviewContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const form = await readForm(req);
  const refused = crossSiteReason(req.headers, form.get('csrf'), ctx.csrf, ctx.config.reviewPublicUrl);
  if (refused) throw new HttpError(403, `Refused: ${refused}.`);
  if (pathname === '/approve') return approve(ctx, res, form);
  const action = /^\/invoice\/(\d+)\/(hold|void)$/.exec(pathname);
  if (!action) throw new HttpError(404, `Nothing to post to at ${pathname}.`);
  const id = idOf(action[1]!);
  const reason = form.get('reason') ?? '';
  if (action[2] === 'hold') {
    await holdInvoice(ctx.database.db, id, reason, ctx.actor, ctx.now());
    return redirect(res, `/invoice/${id}?done=held`);
  }
  const result = await voidAndReissue(ctx.database, ctx.config, id, reason, ctx.actor, ctx.now());
  return redirect(res, `/invoice/${result.reissued.id}?done=reissued`);
}
