import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';

import { createLogger } from '@platform/observability';

import { INSTANCE_RECORD_VERSION } from '../instance-record.js';
import { toServiceInstance, type ServiceInstance } from '../service-instance.js';
import { HealthProber } from './health-prober.js';

const logger = createLogger({ service: 'test', instance: 'test', level: 'silent' });
const servers: Server[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A real instance whose `/health/ready` answers `status()`. */
async function instance(id: string, status: () => number): Promise<ServiceInstance> {
  const server = createServer((_request, response) => {
    response.statusCode = status();
    response.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return toServiceInstance({
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId: id,
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    version: '1.0.0',
    zone: 'local',
    metadata: {},
    ttlMs: 10_000,
    status: 'up',
    heartbeatAt: Date.now(),
    startedAt: Date.now(),
  });
}

function proberOf(targets: ServiceInstance[], recovered: string[]): HealthProber {
  const dispatcher = new Agent();
  agents.push(dispatcher);
  // No interval: the test runs each round itself.
  return new HealthProber({
    dispatcher,
    logger,
    intervalMs: 0,
    targets: () => targets,
    onRecovered: (target) => recovered.push(target.id),
  });
}

describe(HealthProber.name, () => {
  it('marks an instance unhealthy while /health/ready fails, with the reason', async () => {
    const sick = await instance('users-a', () => 503);
    const well = await instance('users-b', () => 200);
    const prober = proberOf([sick, well], []);

    await prober.probeAll();

    expect([prober.isHealthy('users-a'), prober.isHealthy('users-b')]).toEqual([false, true]);
    expect(prober.problem('users-a')).toBe('/health/ready answered 503');
  });

  it('reports an instance once when it passes again, and never one that was always healthy', async () => {
    let status = 503;
    const flaky = await instance('users-a', () => status);
    const well = await instance('users-b', () => 200);
    const recovered: string[] = [];
    const prober = proberOf([flaky, well], recovered);

    await prober.probeAll();
    await prober.probeAll();
    expect(recovered).toEqual([]);

    status = 200;
    await prober.probeAll();
    await prober.probeAll();
    expect(recovered).toEqual(['users-a']);
    expect(prober.isHealthy('users-a')).toBe(true);
  });
});
