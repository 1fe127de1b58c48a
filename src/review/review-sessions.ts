import { createHash, randomBytes } from 'node:crypto';
import { cookieValue, sameSecret } from './request-guard.ts';

// The review page's sessions (issue 17): the browser holds a random session id in a HttpOnly, SameSite=Strict
// cookie (Secure behind https); the server keeps only the id's SHA-256, so a leaked memory dump or log holds no
// usable id. Sessions live as long as the server process; a restart logs everyone out.

export const SESSION_COOKIE = 'tagih_review_session';
const SESSION_HOURS = 12;

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export interface Session {
  readonly user: string;
  readonly expires: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  /** The login token when no user exists (null with users): the printed one is good for one login only. */
  #token: string | null;

  constructor(
    token: string | null,
    private readonly reusable: boolean,
    private readonly secure: boolean,
  ) {
    this.#token = token;
  }

  /** Exchanges the token for a session (the printed one once); returns the cookie to set, or null when it does not match. */
  redeemToken(given: string, user: string, now: number): string | null {
    if (this.#token === null || !sameSecret(given, this.#token)) return null;
    if (!this.reusable) this.#token = null;
    return this.open(user, now);
  }

  /** Opens a session for `user`: the Set-Cookie value. */
  open(user: string, now: number): string {
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(digest(id), { user, expires: now + SESSION_HOURS * 3_600_000 });
    return this.cookie(id, SESSION_HOURS * 3600);
  }

  /** The session a request's cookie names, if it is still open. */
  find(cookieHeader: string | undefined, now: number): Session | null {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!id) return null;
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (!session) return null;
    if (session.expires <= now) {
      this.#sessions.delete(key);
      return null;
    }
    return session;
  }

  /** Ends the request's session: the Set-Cookie value that clears it. */
  close(cookieHeader: string | undefined): string {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (id) this.#sessions.delete(digest(id));
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    const secure = this.secure ? '; Secure' : '';
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`;
  }
}
