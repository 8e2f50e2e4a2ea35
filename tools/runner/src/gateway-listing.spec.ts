import { describe, expect, it } from '@jest/globals';

import type { RegistryInstance } from './release/gateway-client.js';
import { waitUntilGatewayLists } from './gateway-listing.js';

/** A gateway whose view gains instances as (fake) time passes; `failing` calls throw first. */
function gateway(appearAt: Record<string, number>, clock: { t: number }, failing = 0) {
  let calls = 0;
  return {
    registry(service: string): Promise<RegistryInstance[]> {
      calls++;
      if (calls <= failing) return Promise.reject(new Error('ECONNREFUSED'));
      return Promise.resolve(
        Object.entries(appearAt)
          .filter(([id, at]) => id.startsWith(service) && at <= clock.t)
          .map(([instanceId]) => ({ instanceId, version: '0.1.0', status: 'up' as const })),
      );
    },
  };
}

describe(waitUntilGatewayLists.name, () => {
  const expected = new Map([
    ['id-service', ['id-service-1', 'id-service-2']],
    ['user-service', ['user-service-1']],
  ]);

  it('waits until the gateway lists every instance, however late each announcement arrives', async () => {
    const clock = { t: 0 };
    const missing = await waitUntilGatewayLists({
      gateway: gateway({ 'id-service-1': 0, 'id-service-2': 300, 'user-service-1': 700 }, clock, 2),
      expected,
      timeoutMs: 5_000,
      now: () => clock.t,
      sleep: (ms) => Promise.resolve(void (clock.t += ms)),
    });
    expect(missing).toEqual([]);
    expect(clock.t).toBe(700);
  });

  it('gives up after the timeout and names the instances the gateway still does not list', async () => {
    const clock = { t: 0 };
    const missing = await waitUntilGatewayLists({
      gateway: gateway({ 'id-service-1': 0 }, clock),
      expected,
      timeoutMs: 1_000,
      now: () => clock.t,
      sleep: (ms) => Promise.resolve(void (clock.t += ms)),
    });
    expect(missing).toEqual(['id-service-2', 'user-service-1']);
    expect(clock.t).toBe(1_000);
  });
});
