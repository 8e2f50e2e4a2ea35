import { describe, expect, it } from '@jest/globals';

import { composeOverride, NOT_BOOTED_PROFILE, SERVICE_DOCKERFILE } from './override.js';

const IMAGES = {
  node: 'localhost/platform-node:24.22.3',
  postgres: 'localhost/platform-postgres:18.4',
  kafka: 'localhost/platform-kafka:3.9.1',
  prometheus: 'localhost/platform-prometheus:debian',
};
const tag = (app: string) => `localhost/test-${app}:latest`;

describe(composeOverride.name, () => {
  it('swaps every public image for its stand-in and every app for its pre-built image', () => {
    const override = composeOverride(
      {
        'kafka-1': { image: 'apache/kafka:3.9.1' },
        'postgres-ids': { image: 'postgres:18.4-bookworm' },
        prometheus: { image: 'prom/prometheus:v3.5.0' },
        'id-service': { build: { dockerfile: SERVICE_DOCKERFILE, args: { APP: 'id-service' } } },
        gateway: { build: { dockerfile: SERVICE_DOCKERFILE, args: ['APP=gateway'] } },
      },
      IMAGES,
      tag,
    );
    expect(override.services).toEqual({
      'kafka-1': { image: IMAGES.kafka },
      'postgres-ids': { image: IMAGES.postgres },
      prometheus: { image: IMAGES.prometheus },
      'id-service': { image: 'localhost/test-id-service:latest' },
      gateway: { image: 'localhost/test-gateway:latest' },
    });
    expect([...override.apps]).toEqual([
      ['id-service', { app: 'id-service', image: 'localhost/test-id-service:latest' }],
      ['gateway', { app: 'gateway', image: 'localhost/test-gateway:latest' }],
    ]);
    expect(override.notBooted.size).toBe(0);
  });

  it('keeps Grafana down, saying why', () => {
    const override = composeOverride({ grafana: { image: 'grafana/grafana:12.2.1' } }, IMAGES, tag);
    expect(override.services).toEqual({ grafana: { profiles: [NOT_BOOTED_PROFILE] } });
    expect(override.notBooted.get('grafana')).toMatch(/no Debian package/);
  });

  it('refuses an image it has no stand-in for, and an app without its APP build arg', () => {
    expect(() => composeOverride({ redis: { image: 'redis:8' } }, IMAGES, tag)).toThrow(
      "service redis: no local stand-in for image 'redis:8'",
    );
    expect(() =>
      composeOverride({ orders: { build: { dockerfile: SERVICE_DOCKERFILE, args: {} } } }, IMAGES, tag),
    ).toThrow('service orders: no APP build arg');
  });
});
