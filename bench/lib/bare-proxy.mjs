// The least a Node.js proxy can do: Fastify (the gateway's HTTP server) forwarding every GET under
// /api/echo/ to one upstream with undici (the gateway's HTTP client), keep-alive, nothing else: no
// registry, balancing, breakers, retries, metrics, logging or request ids. proxy-overhead.mjs runs it
// beside nginx and the gateway, so what the platform's parts cost is the gap between it and the
// gateway, and what Node itself costs on this machine is the gap between it and nginx.
//
//   PORT=8081 UPSTREAM=http://127.0.0.1:8082 node bench/lib/bare-proxy.mjs
import Fastify from 'fastify';
import { Agent, request } from 'undici';

const port = Number(process.env.PORT ?? 0);
const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error('UPSTREAM must be the base URL of the upstream, e.g. http://127.0.0.1:8082');

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
const app = Fastify({ logger: false });
app.get('/api/echo/*', async (incoming, reply) => {
  const answer = await request(`${upstream}/echo/${incoming.params['*']}`, { dispatcher: agent });
  reply.status(answer.statusCode);
  const type = answer.headers['content-type'];
  if (type) reply.header('content-type', type);
  return reply.send(answer.body);
});
const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(signal, () => void app.close().then(() => agent.close()));
