import { InvalidInstanceError } from './service-admin.errors.js';

/** Where the gateway forwards a service's admin request. */
export interface ServiceAdminTarget {
  /** The service as the registry names it (`id-service`). */
  readonly service: string;
  /** The instance the caller named with `?instance=<instanceId>`, if any. */
  readonly instance?: string;
  /** Path and query to send to the instance: the rest of the path, the query without `instance`. */
  readonly upstreamPath: string;
}

export const SERVICE_ADMIN_PREFIX = '/admin/services/';
/** The query parameter that names one instance; the gateway takes it out before forwarding. */
export const INSTANCE_PARAMETER = 'instance';

/**
 * Reads `/admin/services/<service>/<path>?<query>` as received: `<path>` and the rest of the query
 * go to the instance byte for byte (`/admin/services/user-service/admin/shards` →
 * `/admin/shards`), so a service decodes them exactly as if it had been called directly. Undefined
 * when the URL names no service or no path after it. Dot-segments and encoded separators are the
 * edge-path check's business (edge-path.ts), which runs first.
 *
 * @throws InvalidInstanceError when `instance` is empty, repeated or does not decode
 */
export function serviceAdminTarget(url: string): ServiceAdminTarget | undefined {
  if (!url.startsWith(SERVICE_ADMIN_PREFIX)) return undefined;
  const rest = url.slice(SERVICE_ADMIN_PREFIX.length);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  const service = path.slice(0, slash);
  const { instance, kept } = takeInstance(queryAt === -1 ? undefined : rest.slice(queryAt + 1));
  const upstreamPath = `${path.slice(slash)}${kept === undefined ? '' : `?${kept}`}`;
  return instance === undefined ? { service, upstreamPath } : { service, instance, upstreamPath };
}

/**
 * Takes `instance=<id>` out of a raw query and leaves every other pair exactly as sent (a decoded
 * and re-encoded query could change a value: `+` in `email=a+b@example.com`).
 */
function takeInstance(query: string | undefined): { instance?: string; kept?: string } {
  if (query === undefined) return {};
  const kept: string[] = [];
  const named: string[] = [];
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    if (decoded(name) === INSTANCE_PARAMETER) named.push(equals === -1 ? '' : pair.slice(equals + 1));
    else kept.push(pair);
  }
  const rest = kept.length === 0 || (kept.length === 1 && kept[0] === '') ? undefined : kept.join('&');
  if (named.length === 0) return { kept: rest };
  const instance = named.length === 1 ? decoded(named[0]!) : undefined;
  if (!instance) throw new InvalidInstanceError();
  return { instance, kept: rest };
}

/** A query name or value decoded as a form would be, or undefined when it does not decode. */
function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
