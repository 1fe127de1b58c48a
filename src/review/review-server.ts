import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { parseYearMonth } from '../domain/period.ts';
import { ACCESS_COOKIE, hostAllowed, newSecret, presentedToken, sameSecret } from './request-guard.ts';
import { ReviewRefused } from './review-actions.ts';
import {
  invoiceFile,
  invoicePage,
  messagePage,
  monthPage,
  post,
  type ReviewContext,
} from './review-handlers.ts';
import { HttpError, idOf, redirect, send } from './review-http.ts';
import { backFrom, errorTitle } from './review-notices.ts';
import type { ReviewSettings } from './review-settings.ts';
import { loadReviewTemplates } from './review-templates.ts';

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

/** Who may ask: the host must be this server's, and with a token configured the request must carry it. */
function checkAccess(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  port: number,
  token: string | null,
): boolean {
  if (!hostAllowed(req.headers.host, port, token !== null)) {
    throw new HttpError(421, `This server answers to 127.0.0.1:${port} only.`);
  }
  if (token === null) return true;
  const given = url.searchParams.get('token');
  if (given !== null && sameSecret(given, token)) {
    // The token moves into a cookie, so it leaves the address bar and the history.
    url.searchParams.delete('token');
    redirect(res, url.pathname + url.search, {
      'set-cookie': `${ACCESS_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
    });
    return false;
  }
  if (!sameSecret(presentedToken(req.headers), token)) {
    throw new HttpError(401, "An access token is needed: open the address 'npm run review' printed.");
  }
  return true;
}

/** The static assets, or false when `p` is not one. */
function staticFile(ctx: ReviewContext, res: ServerResponse, p: string): boolean {
  if (p === '/assets/review.css') send(res, 200, 'text/css; charset=utf-8', ctx.templates.css);
  else if (p === '/assets/review.js') send(res, 200, 'text/javascript; charset=utf-8', ctx.templates.js);
  else if (p === '/favicon.ico') send(res, 204, 'text/plain', '');
  else return false;
  return true;
}

async function route(
  ctx: ReviewContext,
  req: IncomingMessage,
  res: ServerResponse,
  at: { readonly port: number; readonly token: string | null; readonly month: string },
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  if (!checkAccess(req, res, url, at.port, at.token)) return;
  const p = url.pathname;
  if (req.method === 'POST') return post(ctx, req, res, p);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, `${req.method} is not allowed here.`);
  if (p === '/') return redirect(res, `/month/${at.month}`);
  if (staticFile(ctx, res, p)) return;
  const month = /^\/month\/(\d{4}-\d{2})$/.exec(p);
  if (month) {
    if (!parseYearMonth(month[1]!)) throw new HttpError(404, `'${month[1]}' is not a month.`);
    return monthPage(ctx, res, month[1]!, url.searchParams);
  }
  const invoice = /^\/invoice\/(\d+)(?:\/(pdf|detail))?$/.exec(p);
  if (invoice) {
    const id = idOf(invoice[1]!);
    if (invoice[2] === 'pdf' || invoice[2] === 'detail') return invoiceFile(ctx, res, id, invoice[2]);
    return invoicePage(ctx, res, id, url.searchParams);
  }
  throw new HttpError(404, `Nothing here: ${p}.`);
}

/** A refusal as a page naming what went wrong; an unexpected error goes to stderr, the page says only its message. */
function answerError(ctx: ReviewContext, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const status = error instanceof HttpError ? error.status : error instanceof ReviewRefused ? 409 : 500;
  const text = error instanceof Error ? error.message : String(error);
  if (status === 500) process.stderr.write(`review: ${(error as Error).stack ?? text}\n`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  messagePage(ctx, res, status, errorTitle(status), text, backFrom(req.url ?? '/'));
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
  const ctx: ReviewContext = {
    database,
    config,
    settings: opts.settings,
    templates: loadReviewTemplates(),
    csrf: newSecret(),
    actor: config.operatorName,
    now: opts.now ?? (() => new Date()),
  };
  const token = config.reviewToken;
  const at = { port: opts.port, token, month: opts.month };
  const server = createServer((req, res) => {
    route(ctx, req, res, at).catch((error: unknown) => answerError(ctx, req, res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  at.port = (server.address() as AddressInfo).port;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return {
    url: `http://127.0.0.1:${at.port}/month/${opts.month}${query}`,
    port: at.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
