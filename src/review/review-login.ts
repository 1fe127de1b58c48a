import type { IncomingMessage, ServerResponse } from 'node:http';
import { crossSiteReason } from './request-guard.ts';
import type { ReviewContext } from './review-handlers.ts';
import { HttpError, readForm, redirect, sendHtml } from './review-http.ts';
import type { SessionStore } from './review-sessions.ts';
import { renderPage } from './review-templates.ts';
import { checkLogin } from './review-users.ts';

// The review page's login (issue 17): every page, file and action needs a session, opened with a user's password
// or, when no user exists, with the one-time token `npm run review` printed.

export interface LoginState {
  readonly sessions: SessionStore;
  /** Whether users exist (decided at start): then the page asks for a password and no token is printed. */
  readonly users: boolean;
}

/** Only a path of this server may follow a login (no open redirect to another site). */
function safeNext(raw: string | null): string {
  return raw && /^\/(?!\/)[^\\]*$/.test(raw) && !raw.startsWith('/login') ? raw : '/';
}

export function loginPage(ctx: ReviewContext, res: ServerResponse, status: number, view: object): void {
  const title = 'Masuk · Log in';
  const page = renderPage(ctx.templates, 'login', { title, operator: '—', notice: null, month: null }, view);
  sendHtml(res, status, page);
}

async function postLogin(ctx: ReviewContext, state: LoginState, req: IncomingMessage, res: ServerResponse) {
  const form = await readForm(req);
  const refused = crossSiteReason(req.headers, form.get('csrf'), ctx.csrf, ctx.config.reviewPublicUrl);
  if (refused) throw new HttpError(403, `Refused: ${refused}.`);
  const next = safeNext(form.get('next'));
  const user = await checkLogin(ctx.database.db, form.get('name') ?? '', form.get('password') ?? '');
  if (user === null) {
    return loginPage(ctx, res, 401, { users: state.users, csrf: ctx.csrf, next, failed: true });
  }
  redirect(res, next, { 'set-cookie': state.sessions.open(user, ctx.now().getTime()) });
}

/**
 * The logged-in user's name, or null when this request was answered here: the login form and its POST, the
 * token's exchange for a session, log-out, and the refusal of anything else without a session (the login page for
 * a page, 401 for a file or an action).
 */
export async function authenticate(
  ctx: ReviewContext,
  state: LoginState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<string | null> {
  const p = url.pathname;
  const now = ctx.now().getTime();
  if (p === '/login' && req.method === 'POST') return postLogin(ctx, state, req, res).then(() => null);
  const token = url.searchParams.get('token');
  if (token !== null && !state.users) {
    const cookie = state.sessions.redeemToken(token, ctx.config.operatorName, now);
    if (cookie === null)
      throw new HttpError(401, 'This token is used or wrong: restart npm run review for a new one.');
    url.searchParams.delete('token');
    // The token leaves the address bar and the history; the browser keeps only a session id.
    redirect(res, url.pathname + url.search, { 'set-cookie': cookie });
    return null;
  }
  const session = state.sessions.find(req.headers.cookie, now);
  if (p === '/logout' && req.method === 'POST') {
    const form = await readForm(req);
    const refused = crossSiteReason(req.headers, form.get('csrf'), ctx.csrf, ctx.config.reviewPublicUrl);
    if (refused) throw new HttpError(403, `Refused: ${refused}.`);
    redirect(res, '/login', { 'set-cookie': state.sessions.close(req.headers.cookie) });
    return null;
  }
  if (session) return session.user;
  const page = req.method === 'GET' && !/^\/(?:invoice\/\d+\/(?:pdf|detail)|prepaid\/.+)$/.test(p);
  if (!page) throw new HttpError(401, 'Log in first: open the review page in the browser.');
  const next = p === '/login' ? safeNext(url.searchParams.get('next')) : p + url.search;
  loginPage(ctx, res, p === '/login' ? 200 : 401, { users: state.users, csrf: ctx.csrf, next });
  return null;
}
