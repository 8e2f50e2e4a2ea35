import { createServer, type IncomingHttpHeaders } from 'node:http';

import { listenAndAnnounce } from './announced-server.js';

/** What the echo upstream received, as it answers it. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyBase64: string;
}

export interface EchoUpstream {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Stands in for a user's own service behind the gateway: a plain node:http server that answers
 * every request with what it received (and with a hop-by-hop header of its own), announced in the
 * registry like any service, with the path segments it serves.
 */
export async function startEchoUpstream(options: {
  readonly registryTopic: string;
  readonly service: string;
  readonly instanceId: string;
  readonly routes: string;
}): Promise<EchoUpstream> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const echoed: EchoedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        bodyBase64: Buffer.concat(chunks).toString('base64'),
      };
      response.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive, x-upstream-hop',
        'x-upstream-hop': 'for the next hop only',
        'x-upstream-kept': 'for the client',
      });
      response.end(JSON.stringify(echoed));
    });
  });
  const announced = await listenAndAnnounce(server, { ...options, metadata: { routes: options.routes } });

  return {
    url: announced.url,
    stop: () => announced.stop(),
  };
}
