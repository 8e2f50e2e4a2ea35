import type { ServerOptions } from 'node:http';

import type { BaseEnv } from '../config/base-env.schema.js';

/** The Fastify options that decide how the Node HTTP server treats slow and proxied clients. */
export interface HttpServerOptions {
  /** Whole request (headers and body) within this long; Fastify's default, 0, waits forever. */
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  readonly trustProxy: boolean | string[];
  /** Passed to `http.createServer`: Node reads these two only there. */
  readonly http: Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'>;
}

/** Node checks the header and request deadlines of open connections this often at most. */
const MAX_CHECKING_INTERVAL_MS = 1_000;

/**
 * What `createServiceApp` gives Fastify from the HTTP_* and TRUST_PROXY settings.
 *
 * Node closes a connection whose headers or whole request are late, but only when it next checks
 * its connections: every 30 s by default, so a 10 s headers timeout really meant up to 40 s. It
 * checks every tenth of the headers timeout here (at most every second), so a slow connection is
 * closed within 10% of its deadline. The check walks only connections with a request under way.
 *
 * Node refuses a headers timeout longer than the request timeout; as the request timeout covers
 * the headers too, the shorter of the two is the headers deadline either way.
 */
export function httpServerOptions(config: BaseEnv): HttpServerOptions {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout);
  return {
    requestTimeout,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    trustProxy: config.TRUST_PROXY,
    http: {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.min(MAX_CHECKING_INTERVAL_MS, Math.ceil(headersTimeout / 10)),
    },
  };
}
