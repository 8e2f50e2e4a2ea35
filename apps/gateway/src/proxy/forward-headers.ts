import type { IncomingHttpHeaders } from 'node:http';

import {
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
  TRACERESPONSE_HEADER,
  TRACESTATE_HEADER,
} from '@platform/observability';
import { FORWARDED_PREFIX_HEADER } from '@platform/service-kit';

/**
 * The part of every proxied path the gateway removes (`/api/ids/snowflake` goes up as
 * `/ids/snowflake`), sent as X-Forwarded-Prefix so the service's messages name the client's path.
 */
const ROUTED_PREFIX = '/api';

/** Headers about one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Request headers the gateway sets itself rather than pass on: the client for the upstream sets
 * host and content-length, and the gateway's own span replaces the client's trace context (the
 * ServiceClient sends it from the request context: same trace, the gateway's span as the parent).
 */
const REPLACED = new Set(['host', 'content-length', TRACEPARENT_HEADER, TRACESTATE_HEADER]);

/**
 * Answered at the edge and never sent on: the gateway itself answers `Expect: 100-continue` (or
 * refuses it, see expect-continue.ts) before the body arrives, and has the whole body by the time
 * it calls the upstream. (The upstream client, undici, refuses a request with an `expect` header.)
 */
const ANSWERED_AT_EDGE = new Set(['expect']);

const NONE_LISTED: ReadonlySet<string> = new Set();

function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  // Most requests name no header here, or only the hop-by-hop keep-alive/close anyway.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE_LISTED;
  return new Set(
    (Array.isArray(value) ? value.join(',') : (value ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface ClientInfo {
  readonly ip: string;
  readonly protocol: string;
  readonly host: string | undefined;
  readonly requestId: string;
}

/**
 * What goes upstream: the client's headers without hop-by-hop ones (nor those `Connection` names),
 * without `expect` (answered at the edge), host and content-length (the client for the upstream
 * sets both) or the client's traceparent and tracestate (the ServiceClient sends the gateway's,
 * which continue the client's trace when it sent a valid one), plus X-Forwarded-For/Proto/Host/Prefix
 * and the request id.
 */
export function forwardRequestHeaders(
  headers: IncomingHttpHeaders,
  client: ClientInfo,
): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (REPLACED.has(name) || ANSWERED_AT_EDGE.has(name) || name.startsWith('x-forwarded-')) continue;
    result[name] = value;
  }
  const priorFor = headers['x-forwarded-for'];
  const chain = Array.isArray(priorFor) ? priorFor.join(', ') : priorFor;
  result['x-forwarded-for'] = chain ? `${chain}, ${client.ip}` : client.ip;
  result['x-forwarded-proto'] = client.protocol;
  if (client.host) result['x-forwarded-host'] = client.host;
  result[FORWARDED_PREFIX_HEADER] = ROUTED_PREFIX;
  result[REQUEST_ID_HEADER] = client.requestId;
  return result;
}

/**
 * The upstream's response headers without hop-by-hop ones, nor its `traceresponse`: the client gets
 * the gateway's, naming the span it can find first in the logs (the same trace either way).
 */
export function forwardResponseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name === TRACERESPONSE_HEADER) continue;
    result[name] = value;
  }
  return result;
}
