import { isIP } from 'node:net';

import { z } from 'zod';

/** Ranges proxy-addr (under Fastify's `trustProxy`) knows by name. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Whose `X-Forwarded-For` to believe, so that `request.ip` is the client behind a known proxy and
 * a client connecting directly cannot choose its own. `false` (no one: `request.ip` is the peer),
 * `true` (every peer: only when nothing can reach the service except through your proxies), or a
 * comma-separated list of proxy addresses and CIDR ranges (`10.0.0.0/8, 192.168.1.7`, and the names
 * `loopback`, `linklocal`, `uniquelocal`). Fastify's `trustProxy` takes the result as it is.
 *
 * A hop count is refused: it trusts whoever is nearest without checking who that is, so Fastify 5
 * ignores it (trusting no one) — a setting that would silently do nothing.
 */
export function trustProxyVar() {
  return z
    .string()
    .trim()
    .transform((value, context): boolean | string[] => {
      const lower = value.toLowerCase();
      if (lower === 'false' || lower === '') return false;
      if (lower === 'true') return true;
      if (/^\d+$/.test(value)) {
        context.addIssue({
          code: 'custom',
          message:
            'is a hop count, which cannot tell your proxy from a client connecting directly (Fastify ' +
            'ignores it): list the proxies instead, e.g. 10.0.0.0/8 or 10.1.2.3,10.1.2.4',
        });
        return z.NEVER;
      }
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const invalid = entries.filter((entry) => !isAddressOrRange(entry));
      if (invalid.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `must be true, false, or a comma-separated list of IP addresses or CIDR ranges; not ${invalid.join(', ')}`,
        });
        return z.NEVER;
      }
      return entries;
    });
}

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
