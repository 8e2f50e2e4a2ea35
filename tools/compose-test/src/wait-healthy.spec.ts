import { describe, expect, it } from '@jest/globals';

import { notReady } from './wait-healthy.js';

const container = (name: string, status: string, health: string) => ({
  id: name,
  name,
  service: name,
  status,
  health,
});

describe(notReady.name, () => {
  it('waits for a running container to pass its health check, and for one without a check to run', () => {
    const waiting = notReady([
      container('kafka-1', 'running', 'healthy'),
      container('prometheus', 'running', ''),
      container('gateway', 'running', 'starting'),
      container('user-service', 'running', 'unhealthy'),
      container('id-service', 'exited', ''),
    ]);
    expect(waiting.map((c) => c.name)).toEqual(['gateway', 'user-service', 'id-service']);
  });
});
