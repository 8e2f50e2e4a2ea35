import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import { eventually, requestJson, TestServices, uniqueTopic } from '@platform/testing';

import type { PrometheusTargetGroup } from '../../src/monitoring/prometheus-targets.js';
import { startEchoUpstream, type EchoUpstream } from '../echo-upstream.js';
import { ADMIN_HEADERS, gateway, type GatewayInstance } from '../gateway.harness.js';

const TARGETS_PATH = '/admin/prometheus/targets';

describe('Prometheus HTTP service discovery on the gateway', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-prometheus-sd');
  const upstreams: EchoUpstream[] = [];
  let edge: GatewayInstance;

  async function targets(): Promise<PrometheusTargetGroup[]> {
    const { status, body } = await requestJson<PrometheusTargetGroup[]>(`${edge.url}${TARGETS_PATH}`, {
      headers: ADMIN_HEADERS,
    });
    expect(status).toBe(200);
    return body;
  }

  async function instanceIds(): Promise<string[]> {
    return (await targets()).map((group) => group.labels.instance_id);
  }

  beforeAll(async () => {
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-sd' }));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(upstreams.map((upstream) => upstream.stop()));
    await services.stopAll();
  });

  it('answers 401 without the admin token', async () => {
    const response = await requestJson<ErrorBody>(`${edge.url}${TARGETS_PATH}`);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthenticated');
  });

  it('lists the gateway itself, where Prometheus can scrape it', async () => {
    await eventually(async () => expect(await instanceIds()).toContain('gateway-sd'));
    const self = (await targets()).find((group) => group.labels.instance_id === 'gateway-sd');

    expect(self).toEqual({
      targets: [new URL(edge.url).host],
      labels: {
        service: 'gateway',
        instance_id: 'gateway-sd',
        version: '0.1.0',
        track: 'stable',
        zone: 'local',
      },
    });
  });

  it('adds a brand-new service as soon as it announces itself, and drops it when it leaves', async () => {
    const upstream = await startEchoUpstream({
      registryTopic,
      service: 'brand-new-service',
      instanceId: 'brand-new-1',
      routes: 'brand-new',
    });
    upstreams.push(upstream);

    await eventually(async () => expect(await instanceIds()).toContain('brand-new-1'));
    const group = (await targets()).find((g) => g.labels.instance_id === 'brand-new-1');
    expect(group).toMatchObject({
      targets: [new URL(upstream.url).host],
      labels: { service: 'brand-new-service', version: '1.0.0' },
    });

    await upstream.stop();
    await eventually(async () => expect(await instanceIds()).not.toContain('brand-new-1'));
  });
});
