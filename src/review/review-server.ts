import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { parseYearMonth } from '../domain/period.ts';
import { prepaidPage, receiptFile, statementFile } from './prepaid-handlers.ts';
import { hostAllowed, newSecret } from './request-guard.ts';
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
import { authenticate, type LoginState } from './review-login.ts';
import { backFrom, errorTitle } from './review-notices.ts';
import { SessionStore } from './review-sessions.ts';
import type { ReviewSettings } from './review-settings.ts';
import { loadReviewTemplates } from './review-templates.ts';
import { reviewUserCount } from './review-users.ts';

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
  /** The month's page as the browser opens it (TAGIH_REVIEW_PUBLIC_URL's origin), with the one-time token when no user exists. */
  readonly url: string;
  /** The same on 127.0.0.1, where the server listens. */
  readonly local: string;
  /** Whether the page asks for a user's password (else the token in the address logs in). */
  readonly users: boolean;
  readonly port: number;
  close(): Promise<void>;
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
  at: { readonly port: number; readonly month: string; readonly login: LoginState },
): Promise<void> {
  if (!hostAllowed(req.headers.host, at.port, ctx.config.reviewPublicUrl)) {
    throw new HttpError(
      421,
      `This server answers to 127.0.0.1:${at.port} (or TAGIH_REVIEW_PUBLIC_URL) only.`,
    );
  }
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const p = url.pathname;
  // The style sheet and script are the same for everyone, and the login page needs them.
  if ((req.method === 'GET' || req.method === 'HEAD') && staticFile(ctx, res, p)) return;
  const user = await authenticate(ctx, at.login, req, res, url);
  if (user === null) return;
  const mine: ReviewContext = { ...ctx, actor: user };
  if (req.method === 'POST') return post(mine, req, res, p);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, `${req.method} is not allowed here.`);
  if (p === '/' || p === '/login') return redirect(res, `/month/${at.month}`);
  return page(mine, res, url);
}

/** A page or file of a logged-in user. */
async function page(ctx: ReviewContext, res: ServerResponse, url: URL): Promise<void> {
  const p = url.pathname;
  const month = /^\/month\/(\d{4}-\d{2})(\/prepaid)?$/.exec(p);
  if (month) {
    if (!parseYearMonth(month[1]!)) throw new HttpError(404, `'${month[1]}' is not a month.`);
    if (month[2]) return prepaidPage(ctx, res, month[1]!);
    return monthPage(ctx, res, month[1]!, url.searchParams);
  }
  if (p.startsWith('/prepaid/')) return prepaidFile(ctx, res, p);
  const invoice = /^\/invoice\/(\d+)(?:\/(pdf|detail))?$/.exec(p);
  if (invoice) {
    const id = idOf(invoice[1]!);
    if (invoice[2] === 'pdf' || invoice[2] === 'detail') return invoiceFile(ctx, res, id, invoice[2]);
    return invoicePage(ctx, res, id, url.searchParams);
  }
  throw new HttpError(404, `Nothing here: ${p}.`);
}

/** R15: a top-up's receipt or a month's statement, by ids the page put in its links. */
function prepaidFile(ctx: ReviewContext, res: ServerResponse, p: string): Promise<void> {
  const receipt = /^\/prepaid\/receipt\/(\d+)\/pdf$/.exec(p);
  if (receipt) return receiptFile(ctx, res, idOf(receipt[1]!));
  const statement = /^\/prepaid\/statement\/(\d+)\/(\d{4}-\d{2})\/(pdf|csv)$/.exec(p);
  if (!statement || !parseYearMonth(statement[2]!)) throw new HttpError(404, `Nothing here: ${p}.`);
  return statementFile(ctx, res, idOf(statement[1]!), statement[2]!, statement[3] as 'pdf' | 'csv');
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
 * on them (approve, hold, void and reissue), each a POST checked against cross-site requests; all behind a login.
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
  const users = (await reviewUserCount(database.db)) > 0;
  // Without users: a fresh token each start, good for one login (or the team's TAGIH_REVIEW_TOKEN, reusable).
  const token = users ? null : (config.reviewToken ?? newSecret());
  const secure = config.reviewPublicUrl?.startsWith('https:') ?? false;
  const login: LoginState = { users, sessions: new SessionStore(token, config.reviewToken !== null, secure) };
  const at = { port: opts.port, month: opts.month, login };
  const server = createServer((req, res) => {
    route(ctx, req, res, at).catch((error: unknown) => answerError(ctx, req, res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  at.port = (server.address() as AddressInfo).port;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const origin = config.reviewPublicUrl ?? `http://127.0.0.1:${at.port}`;
  return {
    url: `${origin}/month/${opts.month}${query}`,
    local: `http://127.0.0.1:${at.port}/month/${opts.month}${query}`,
    users,
    port: at.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
