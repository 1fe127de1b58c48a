import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { parseYearMonth } from '../domain/period.ts';
import { invoiceView } from './invoice-page.ts';
import { loadInvoice } from './load-invoice.ts';
import { loadReviewMonth } from './load-review-month.ts';
import { monthView } from './month-page.ts';
import {
  ACCESS_COOKIE,
  crossSiteReason,
  hostAllowed,
  newSecret,
  presentedToken,
  sameSecret,
} from './request-guard.ts';
import { approveInvoices, holdInvoice, ReviewRefused, voidAndReissue } from './review-actions.ts';
import type { ReviewSettings } from './review-settings.ts';
import { parseTableQuery } from './review-table.ts';
import { loadReviewTemplates, type Notice, renderPage } from './review-templates.ts';

export interface ReviewServerOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** The month '/' opens. */
  readonly month: string;
  readonly settings: ReviewSettings;
  /** The clock, for the actions' events and the mail (tests pass their own). */
  readonly now?: () => Date;
}

export interface ReviewServer {
  /** The month's page, with the access token when one is configured. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
} as const;

const PAGE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-src 'self'; " +
  "object-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

const MAX_FORM_BYTES = 64 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'Expected a form (application/x-www-form-urlencoded).');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'The form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function count(params: URLSearchParams, key: string): number {
  const n = Number(params.get(key));
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The notice after an action (Post/Redirect/Get): fixed wording with numbers, never text from the URL. */
function noticeOf(params: URLSearchParams, replaced: string | null): Notice | null {
  switch (params.get('done')) {
    case 'approved': {
      const n = count(params, 'n');
      const sent = count(params, 'sent');
      const failed = count(params, 'failed');
      if (n === 0) {
        return {
          tone: 'warn',
          text: 'Tidak ada faktur yang disetujui: pilih faktur yang menunggu.',
          en: 'Nothing approved: select invoices awaiting review.',
        };
      }
      return {
        tone: failed > 0 ? 'warn' : 'ok',
        text: `${n} faktur disetujui · ${sent} surel terkirim${failed > 0 ? ` · ${failed} surel gagal/tertunda (lihat npm run mail -- list)` : ''}.`,
        en: `${n} approved, ${sent} mail(s) sent${failed > 0 ? `, ${failed} failed or retrying` : ''}.`,
      };
    }
    case 'held':
      return {
        tone: 'ok',
        text: 'Faktur ditahan; surelnya tidak dikirim.',
        en: 'Invoice held; its mail stays back.',
      };
    case 'reissued':
      return {
        tone: 'ok',
        text: `Faktur diterbitkan ulang${replaced ? `, menggantikan ${replaced} (batal)` : ''}. Periksa lalu setujui.`,
        en: 'Reissued under a new number; review and approve it to send.',
      };
    default:
      return null;
  }
}

/** Where the error page's "back" leads: the invoice or month the failed request was about. */
function backFrom(requestUrl: string): string {
  const p = requestUrl.split('?')[0] ?? '/';
  const invoice = /^\/invoice\/(\d+)/.exec(p);
  if (invoice) return `/invoice/${invoice[1]}`;
  const month = /^\/month\/(\d{4}-\d{2})/.exec(p);
  return month ? `/month/${month[1]}` : '/';
}

function idOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, `No invoice ${raw}.`);
  return id;
}

/**
 * Starts the review page on 127.0.0.1: server-rendered pages of a month's invoices and the actions finance takes
 * on them (approve, hold, void and reissue), each a POST checked against cross-site requests.
 */
export async function startReviewServer(
  database: Database,
  config: Config,
  opts: ReviewServerOptions,
): Promise<ReviewServer> {
  const templates = loadReviewTemplates();
  const csrf = newSecret();
  const now = opts.now ?? (() => new Date());
  const token = config.reviewToken;
  const actor = config.operatorName;
  let port = opts.port;
  const { db } = database;

  const send = (res: ServerResponse, status: number, type: string, body: string, extra = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
    res.end(body);
  };
  const html = (res: ServerResponse, status: number, body: string) =>
    send(res, status, 'text/html; charset=utf-8', body, { 'content-security-policy': PAGE_CSP });
  const redirect = (res: ServerResponse, location: string, extra = {}) => {
    res.writeHead(303, { ...SECURITY_HEADERS, location, ...extra });
    res.end();
  };
  const message = (res: ServerResponse, status: number, title: string, text: string, back: string) =>
    html(
      res,
      status,
      renderPage(
        templates,
        'message',
        { title, operator: actor, notice: null, month: null },
        { title, text, back },
      ),
    );

  async function sendFile(res: ServerResponse, file: string, type: string, disposition: string) {
    const info = await stat(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': info.size,
      'content-disposition': `${disposition}; filename="${path.basename(file)}"`,
    });
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
    });
  }

  async function monthPage(res: ServerResponse, month: string, params: URLSearchParams) {
    const data = await loadReviewMonth(db, month, opts.settings);
    const view = monthView(data, { csrf, settings: opts.settings, query: parseTableQuery(params) });
    const title = `Tinjauan ${view.monthLabel}`;
    html(
      res,
      200,
      renderPage(
        templates,
        'month',
        { title, operator: actor, notice: noticeOf(params, null), month: null },
        view,
      ),
    );
  }

  async function invoicePage(res: ServerResponse, id: number, params: URLSearchParams) {
    const detail = await loadInvoice(db, config.outDir, id);
    if (!detail) throw new HttpError(404, `There is no invoice ${id}.`);
    const month = await loadReviewMonth(db, detail.month, opts.settings);
    const flags = month.invoices.find((i) => i.id === id)?.flags ?? [];
    const view = invoiceView(detail, { csrf, flags });
    const notice = noticeOf(params, detail.replaces?.number ?? null);
    html(
      res,
      200,
      renderPage(
        templates,
        'invoice',
        { title: detail.number, operator: actor, notice, month: detail.month },
        view,
      ),
    );
  }

  async function invoiceFile(res: ServerResponse, id: number, which: 'pdf' | 'detail') {
    const detail = await loadInvoice(db, config.outDir, id);
    if (!detail) throw new HttpError(404, `There is no invoice ${id}.`);
    if (which === 'pdf') {
      if (!detail.pdf)
        throw new HttpError(
          404,
          `The PDF of ${detail.number} is not in ${config.outDir}; run 'npm run invoice -- --month ${detail.month}' to write missing files.`,
        );
      return sendFile(res, detail.pdf, 'application/pdf', 'inline');
    }
    if (!detail.detailCsv)
      throw new HttpError(
        404,
        `The detail CSV of ${detail.number} is not in ${config.outDir}; run 'npm run invoice -- --month ${detail.month}' to write missing files.`,
      );
    const gz = detail.detailCsv.endsWith('.gz');
    return sendFile(res, detail.detailCsv, gz ? 'application/gzip' : 'text/csv; charset=utf-8', 'attachment');
  }

  async function post(req: IncomingMessage, res: ServerResponse, pathname: string) {
    const form = await readForm(req);
    const refused = crossSiteReason(req.headers, form.get('csrf'), csrf);
    if (refused) throw new HttpError(403, `Refused: ${refused}.`);
    if (pathname === '/approve') {
      const month = form.get('month') ?? '';
      if (!parseYearMonth(month)) throw new HttpError(400, `Month '${month}' is not of the form YYYY-MM.`);
      let ids: number[];
      if (form.get('scope') === 'unflagged') {
        const data = await loadReviewMonth(db, month, opts.settings);
        ids = data.invoices
          .filter((i) => i.status !== 'void' && i.reviewState === 'awaiting_review' && i.flags.length === 0)
          .map((i) => i.id);
      } else {
        ids = form
          .getAll('id')
          .map(Number)
          .filter((n) => Number.isSafeInteger(n) && n > 0);
      }
      const result = await approveInvoices(database, config, ids, actor, now());
      const back =
        form.get('back') === 'invoice' && ids.length === 1 ? `/invoice/${ids[0]}` : `/month/${month}`;
      const failed = result.mail.failed + result.mail.retrying;
      return redirect(
        res,
        `${back}?done=approved&n=${result.approved.length}&sent=${result.mail.sent}&failed=${failed}`,
      );
    }
    const action = /^\/invoice\/(\d+)\/(hold|void)$/.exec(pathname);
    if (!action) throw new HttpError(404, `Nothing to post to at ${pathname}.`);
    const id = idOf(action[1]!);
    const reason = form.get('reason') ?? '';
    if (action[2] === 'hold') {
      await holdInvoice(db, id, reason, actor, now());
      return redirect(res, `/invoice/${id}?done=held`);
    }
    const result = await voidAndReissue(database, config, id, reason, actor, now());
    return redirect(res, `/invoice/${result.reissued.id}?done=reissued`);
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    if (!hostAllowed(req.headers.host, port, token !== null)) {
      throw new HttpError(421, `This server answers to 127.0.0.1:${port} only.`);
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (token !== null) {
      const given = url.searchParams.get('token');
      if (given !== null && sameSecret(given, token)) {
        // The token moves into a cookie, so it leaves the address bar and the history.
        url.searchParams.delete('token');
        return redirect(res, url.pathname + url.search, {
          'set-cookie': `${ACCESS_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (!sameSecret(presentedToken(req.headers), token)) {
        throw new HttpError(401, "An access token is needed: open the address 'npm run review' printed.");
      }
    }
    const p = url.pathname;
    if (req.method === 'POST') return post(req, res, p);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `${req.method} is not allowed here.`);
    if (p === '/') return redirect(res, `/month/${opts.month}`);
    if (p === '/assets/review.css') return send(res, 200, 'text/css; charset=utf-8', templates.css);
    if (p === '/assets/review.js') return send(res, 200, 'text/javascript; charset=utf-8', templates.js);
    if (p === '/favicon.ico') return send(res, 204, 'text/plain', '');
    const month = /^\/month\/(\d{4}-\d{2})$/.exec(p);
    if (month) {
      if (!parseYearMonth(month[1]!)) throw new HttpError(404, `'${month[1]}' is not a month.`);
      return monthPage(res, month[1]!, url.searchParams);
    }
    const invoice = /^\/invoice\/(\d+)(?:\/(pdf|detail))?$/.exec(p);
    if (invoice) {
      const id = idOf(invoice[1]!);
      if (invoice[2] === 'pdf' || invoice[2] === 'detail') return invoiceFile(res, id, invoice[2]);
      return invoicePage(res, id, url.searchParams);
    }
    throw new HttpError(404, `Nothing here: ${p}.`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof ReviewRefused ? 409 : 500;
      const text = error instanceof Error ? error.message : String(error);
      if (status === 500) process.stderr.write(`review: ${(error as Error).stack ?? text}\n`);
      if (res.headersSent) return res.destroy();
      const title =
        status === 403
          ? 'Ditolak · Refused'
          : status === 409
            ? 'Tidak dapat dilakukan · Not possible'
            : status === 404
              ? 'Tidak ditemukan · Not found'
              : status === 401
                ? 'Perlu token akses · Access token needed'
                : 'Gagal · Failed';
      message(res, status, title, text, backFrom(req.url ?? '/'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return {
    url: `http://127.0.0.1:${port}/month/${opts.month}${query}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
