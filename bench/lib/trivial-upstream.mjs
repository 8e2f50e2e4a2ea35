// A trivial upstream for the proxy benchmark: node:http answering every request with a small JSON
// body, in a process of its own. With KAFKA_BROKERS set it joins the registry like a real service
// (RegistryAnnouncer from @platform/discovery: service name, `routes` metadata, heartbeats, a
// tombstone on SIGTERM), so the gateway routes `/api/<ROUTES>/...` to it with no configuration.
//
// Environment: PORT (0: any), SERVICE (default bench-echo), ROUTES (default echo), INSTANCE_ID,
// KAFKA_BROKERS, REGISTRY_TOPIC, REGISTRY_TTL_MS, REGISTRY_HEARTBEAT_MS. Prints `listening <port>`
// once it listens.
import http from 'node:http';

const BODY = JSON.stringify({ ok: true, service: 'bench-echo', message: 'hello from the trivial upstream' });
const port = Number(process.env.PORT ?? 0);
const service = process.env.SERVICE ?? 'bench-echo';
const instanceId = process.env.INSTANCE_ID ?? `${service}-1`;

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(BODY),
    });
    response.end(BODY);
  });
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

let announcer;
server.listen(port, '127.0.0.1', async () => {
  const actual = server.address().port;
  process.stdout.write(`listening ${actual}\n`);
  if (!process.env.KAFKA_BROKERS) return;
  const { RegistryAnnouncer } = await import('@platform/discovery');
  const { createKafka, ensureTopic } = await import('@platform/kafka');
  const { createLogger } = await import('@platform/observability');
  const logger = createLogger({ service, instance: instanceId, level: 'warn' });
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: instanceId, logger });
  const topic = process.env.REGISTRY_TOPIC ?? 'platform.registry';
  await ensureTopic(kafka, { topic, compacted: true, replicationFactor: 1 });
  announcer = new RegistryAnnouncer({
    kafka,
    topic,
    logger,
    heartbeatIntervalMs: Number(process.env.REGISTRY_HEARTBEAT_MS ?? 3_000),
    instance: {
      service,
      instanceId,
      host: '127.0.0.1',
      port: actual,
      version: '0.1.0',
      zone: 'local',
      metadata: { routes: process.env.ROUTES ?? 'echo' },
      ttlMs: Number(process.env.REGISTRY_TTL_MS ?? 10_000),
    },
  });
  announcer.start(); // the first record goes out in the background; watch /admin/registry for it
});

const stop = async () => {
  await announcer?.stop().catch(() => undefined);
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The script that started us went away: stop too.
process.on('disconnect', () => void stop());
