import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RegistryAnnouncer } from '@platform/discovery';
import { createLogger } from '@platform/observability';
import { createTestKafka, LogCapture } from '@platform/testing';

export interface AnnouncedServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Listens with `server` on a free local port and announces it in the registry like any service
 * instance (heartbeat 1 s, TTL 3 s); `stop` leaves the registry, then closes every connection.
 */
export async function listenAndAnnounce(
  server: Server,
  options: {
    readonly registryTopic: string;
    readonly service: string;
    readonly instanceId: string;
    readonly metadata?: Readonly<Record<string, string>>;
  },
): Promise<AnnouncedServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const announcer = new RegistryAnnouncer({
    kafka: createTestKafka(options.instanceId),
    topic: options.registryTopic,
    logger: createLogger({
      service: options.service,
      instance: options.instanceId,
      destination: new LogCapture(),
    }),
    heartbeatIntervalMs: 1_000,
    instance: {
      service: options.service,
      instanceId: options.instanceId,
      host: '127.0.0.1',
      port,
      version: '1.0.0',
      zone: 'local',
      metadata: { ...options.metadata },
      ttlMs: 3_000,
    },
  });
  announcer.start();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await announcer.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
