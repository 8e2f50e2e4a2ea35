import { describe, expect, it } from '@jest/globals';

import { cookieValue, STICKY_COOKIE, stickyKeyOf } from './sticky-key.js';

describe(stickyKeyOf.name, () => {
  it('uses the user id header when there is one, and sets no cookie', () => {
    expect(stickyKeyOf({ 'x-user-id': '42', cookie: `${STICKY_COOKIE}=abcdefgh12` }, 'x-user-id')).toEqual({
      key: 'user:42',
    });
  });

  it('uses the gateway’s cookie of an anonymous client', () => {
    expect(stickyKeyOf({ cookie: `theme=dark; ${STICKY_COOKIE}=abcdefgh12` }, 'x-user-id')).toEqual({
      key: 'anon:abcdefgh12',
    });
  });

  it('names a new anonymous client with a cookie it will send back', () => {
    const first = stickyKeyOf({}, 'x-user-id');
    expect(first.setCookie).toMatch(
      new RegExp(`^${STICKY_COOKIE}=[A-Za-z0-9_-]{22}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`),
    );
    const value = cookieValue(first.setCookie!.split(';')[0], STICKY_COOKIE);
    expect(stickyKeyOf({ cookie: `${STICKY_COOKIE}=${value}` }, 'x-user-id')).toEqual({ key: first.key });
    expect(stickyKeyOf({}, 'x-user-id').key).not.toBe(first.key);
  });

  it('replaces a malformed cookie instead of trusting it', () => {
    expect(stickyKeyOf({ cookie: `${STICKY_COOKIE}=<script>` }, 'x-user-id').setCookie).toBeDefined();
  });
});
