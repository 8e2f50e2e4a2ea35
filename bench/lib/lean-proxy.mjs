// The leanest Node.js proxy this repository can build, to find Node's own ceiling on this machine:
// node:http's server (no framework) forwarding every request under /api/echo/ to one upstream through
// an undici Pool with its low-level dispatch and original handler (no stream, promise or header object
// per request: the cheapest path measured for tools/loadgen), the answer's bytes written as they come.
// Nothing else: no routing table, registry, balancing, breakers, retries, metrics, logging or ids.
// proxy-overhead.mjs runs it beside nginx, the bare Fastify proxy and the gateway: if it cannot reach
// a throughput, no Node proxy on this machine can.
//
//   PORT=8081 UPSTREAM=http://127.0.0.1:8082 node bench/lib/lean-proxy.mjs
import http from 'node:http';

import { Pool } from 'undici';

const port = Number(process.env.PORT ?? 0);
const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error('UPSTREAM must be the base URL of the upstream, e.g. http://127.0.0.1:8082');

const PREFIX = '/api/echo/';
const pool = new Pool(upstream, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

const server = http.createServer((incoming, outgoing) => {
  if (!incoming.url.startsWith(PREFIX)) {
    outgoing.writeHead(404).end();
    return;
  }
  let resume;
  pool.dispatch(
    {
      method: incoming.method,
      path: `/echo/${incoming.url.slice(PREFIX.length)}`,
      headers: null,
      body: null,
    },
    {
      onConnect: () => undefined,
      onHeaders: (statusCode, rawHeaders, resumeBody) => {
        resume = resumeBody;
        // rawHeaders alternates names and values, as Buffers: keep only the content type.
        for (let i = 0; i < rawHeaders.length; i += 2) {
          if (
            rawHeaders[i].length === 12 &&
            rawHeaders[i].toString('latin1').toLowerCase() === 'content-type'
          ) {
            outgoing.setHeader('content-type', rawHeaders[i + 1].toString('latin1'));
          }
        }
        outgoing.statusCode = statusCode;
        return true;
      },
      // A full socket pauses the upstream's body until the client has taken what was written.
      onData: (chunk) => outgoing.write(chunk) || (outgoing.once('drain', resume), false),
      onComplete: () => outgoing.end(),
      onError: () => {
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      },
    },
  );
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => void pool.close()));
