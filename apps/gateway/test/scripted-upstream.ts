import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

import { DEPENDENCY_ORIGIN, FAILURE_ORIGIN_HEADER } from '@platform/observability';
import { listenAndAnnounce } from './announced-server.js';

/** One request as the upstream received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface ScriptedUpstream {
  readonly instanceId: string;
  readonly url: string;
  /** Every request it received, in order, as it arrived. */
  readonly received: readonly ReceivedRequest[];
  /** Requests it is answering now (a slow one until it answers or its caller leaves). */
  readonly inflight: number;
  stop(): Promise<void>;
}

/** Answers after this long under `/<segment>/slow`: far longer than a test waits for it. */
const SLOW_MS = 30_000;

/**
 * A service instance that answers by path, so a test can make it misbehave in one way at a time:
 * `/<segment>/slow` answers only after 30 s (or never, when its caller leaves first);
 * `/<segment>/dependency-down` answers 503 naming a dependency as the failure's origin, as a
 * service does whose database is down; anything else is read to the end and answered 200 with the
 * number of bytes received. It records every request, and announces itself in the registry.
 */
export async function startScriptedUpstream(options: {
  readonly registryTopic: string;
  readonly service: string;
  readonly instanceId: string;
}): Promise<ScriptedUpstream> {
  const received: ReceivedRequest[] = [];
  let inflight = 0;
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    inflight++;
    response.once('close', () => inflight--);
    const path = (request.url ?? '').split('?')[0]!;
    if (path.endsWith('/slow')) {
      const timer = setTimeout(() => answer(response, 200, { slow: true }), SLOW_MS);
      response.once('close', () => clearTimeout(timer));
      return;
    }
    if (path.endsWith('/dependency-down')) {
      response.setHeader(FAILURE_ORIGIN_HEADER, DEPENDENCY_ORIGIN);
      answer(response, 503, { error: { code: 'database_unavailable', message: 'the database is down' } });
      return;
    }
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => answer(response, 200, { bytes }));
  });
  const announced = await listenAndAnnounce(server, { ...options });

  return {
    instanceId: options.instanceId,
    url: announced.url,
    received,
    get inflight() {
      return inflight;
    },
    stop: () => announced.stop(),
  };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
