import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Who may use the review page, and which POSTs are the page's own: a per-server CSRF token in every form, the
// Origin (or Sec-Fetch-Site) of the request, and the Host it was addressed to (against DNS rebinding).

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
 * Only loopback names, and the host of TAGIH_REVIEW_PUBLIC_URL when one is set, may address the server: a page on
 * another site cannot reach it by pointing its own domain at 127.0.0.1 (DNS rebinding).
 */
export function hostAllowed(host: string | undefined, port: number, publicUrl: string | null): boolean {
  if (host === undefined) return false;
  if (publicUrl !== null && host === new URL(publicUrl).host) return true;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Why a POST is not the page's own (null when it is): wrong origin, cross-site fetch, missing or wrong CSRF token. */
export function crossSiteReason(
  headers: IncomingHttpHeaders,
  csrfField: string | null,
  csrfToken: string,
  publicUrl: string | null = null,
): string | null {
  const origin = headers.origin;
  // Behind an HTTPS proxy the browser sends the proxy's origin (TAGIH_REVIEW_PUBLIC_URL), not http://<host>.
  const direct = `http://${headers.host}`;
  const own = publicUrl === null || new URL(publicUrl).host !== headers.host ? [direct] : [];
  if (publicUrl !== null) own.push(publicUrl);
  if (origin !== undefined && !own.includes(origin)) {
    return `the request came from ${origin}, not from this page`;
  }
  const site = headers['sec-fetch-site'];
  if (origin === undefined && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `the browser marked the request as ${site}`;
  }
  if (!sameSecret(csrfField, csrfToken)) return 'the form carried no valid CSRF token (reload the page)';
  return null;
}
