import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The cookie that makes an anonymous client sticky to one side of a canary. */
export const STICKY_COOKIE = 'platform_uid';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{8,64}$/;
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** Who is asking, for a canary's sticky choice; `setCookie` when the gateway had to name them. */
export interface StickyKey {
  readonly key: string;
  readonly setCookie?: string;
}

/**
 * The caller's sticky key: the user id header if the request carries one (a signed-in user keeps
 * their version on every device), else the gateway's cookie, else a new random id sent back as that
 * cookie — so an anonymous browser stays on one version from its first request. A malformed cookie
 * is replaced, not trusted.
 */
export function stickyKeyOf(headers: IncomingHttpHeaders, userHeader: string): StickyKey {
  const user = headers[userHeader];
  const userId = Array.isArray(user) ? user[0] : user;
  if (userId) return { key: `user:${userId}` };
  const cookie = cookieValue(headers.cookie, STICKY_COOKIE);
  if (cookie !== undefined && COOKIE_VALUE.test(cookie)) return { key: `anon:${cookie}` };
  const fresh = randomBytes(16).toString('base64url');
  return {
    key: `anon:${fresh}`,
    setCookie: `${STICKY_COOKIE}=${fresh}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; HttpOnly; SameSite=Lax`,
  };
}

/** One cookie's value from a Cookie header (`a=1; b=2`). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
