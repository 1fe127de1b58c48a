import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Who may use the review page, and which POSTs are the page's own: a per-server CSRF token in every form, the
// Origin (or Sec-Fetch-Site) of the request, and the Host it was addressed to (against DNS rebinding).

export const ACCESS_COOKIE = 'tagih_review';

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares two secrets in constant time (digests first, so their lengths tell nothing either). */
export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Without an access token only loopback names may address the server, so a page on another site cannot reach it by
 * pointing its own domain at 127.0.0.1. With a token (for use through a tunnel or proxy) any name is fine.
 */
export function hostAllowed(host: string | undefined, port: number, tokenRequired: boolean): boolean {
  if (tokenRequired) return host !== undefined;
  return host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** The access token a request carries: the cookie set on the first visit, or an Authorization: Bearer header. */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return cookieValue(headers.cookie, ACCESS_COOKIE);
}

/** Why a POST is not the page's own (null when it is): wrong origin, cross-site fetch, missing or wrong CSRF token. */
export function crossSiteReason(
  headers: IncomingHttpHeaders,
  csrfField: string | null,
  csrfToken: string,
): string | null {
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${headers.host}`) {
    return `the request came from ${origin}, not from this page`;
  }
  const site = headers['sec-fetch-site'];
  if (origin === undefined && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `the browser marked the request as ${site}`;
  }
  if (!sameSecret(csrfField, csrfToken)) return 'the form carried no valid CSRF token (reload the page)';
  return null;
}
