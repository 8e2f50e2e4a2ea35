import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import { eventually, requestJson, TEST_ADMIN_TOKEN, TestServices, uniqueTopic } from '@platform/testing';

import { reportFigure, scrape, sumOfSeries, upstreamsOf } from '../admin-client.js';
import { ADMIN_HEADERS, gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { sendRaw } from '../raw-http.js';
import { startScriptedUpstream, type ScriptedUpstream } from '../scripted-upstream.js';

const SERVICE = 'admin-target';
const LONELY = 'lonely-service';

/** Paths that would leave `/{path}` on the instance if forwarded as they are. */
const ESCAPING_PATHS = [
  '/admin/services/admin-target/../../admin/registry',
  '/admin/services/admin-target/%2e%2e/metrics',
  '/admin/services/admin-target/admin/%2E%2E%2Fmetrics',
  '/admin/services/admin-target/..%5cmetrics',
  '/admin/services/../registry/x',
];

describe('service admin through the gateway (/admin/services/{service}/{path})', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-service-admin');
  const targets: ScriptedUpstream[] = [];
  let lonely: ScriptedUpstream;
  let edge: GatewayInstance;

  const received = () => targets.reduce((sum, target) => sum + target.received.length, 0);
  const adminUrl = (path: string) => `${edge.url}/admin/services/${path}`;

  beforeAll(async () => {
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-service-admin' }));
    for (const instanceId of ['admin-target-1', 'admin-target-2']) {
      targets.push(await startScriptedUpstream({ registryTopic, service: SERVICE, instanceId }));
    }
    lonely = await startScriptedUpstream({ registryTopic, service: LONELY, instanceId: 'lonely-1' });
    await untilListed(edge, SERVICE, ['admin-target-1', 'admin-target-2']);
    await untilListed(edge, LONELY, ['lonely-1']);
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await Promise.all([...targets, lonely].map((target) => target.stop()));
  });

  it('refuses a call without the admin token, or with a wrong one, and forwards neither', async () => {
    const before = received();

    const none = await requestJson<ErrorBody>(adminUrl('admin-target/admin/faults'));
    const wrong = await requestJson<ErrorBody>(adminUrl('admin-target/admin/faults'), {
      method: 'PUT',
      json: { errors: { share: 1 } },
      headers: { authorization: 'Bearer not-the-admin-token-at-all' },
    });

    expect([none.status, none.body.error.code]).toEqual([401, 'unauthenticated']);
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'unauthenticated']);
    expect(received()).toBe(before);
  });

  it('forwards to the instance named, with the path, the query, the body and the same bearer token', async () => {
    const [first, second] = targets as [ScriptedUpstream, ScriptedUpstream];
    const body = { latency: { distribution: 'fixed', ms: 200 } };
    const firstBefore = first.received.length;

    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await requestJson<{ bytes: number }>(
          adminUrl('admin-target/admin/faults?instance=admin-target-2&x=1'),
          {
            method: 'PUT',
            json: body,
            headers: { ...ADMIN_HEADERS, 'x-actor': 'ada' },
          },
        ),
      );
    }

    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-served-by')).toBe('admin-target-2');
      expect(answer.body.bytes).toBe(JSON.stringify(body).length);
    }
    expect(first.received.length).toBe(firstBefore);
    const last = second.received.at(-1)!;
    expect(last).toMatchObject({ method: 'PUT', url: '/admin/faults?x=1' });
    expect(last.headers).toMatchObject({
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      'x-actor': 'ada',
      'x-forwarded-prefix': '/admin/services/admin-target',
    });
  });

  it('sends a call that names no instance to a live one, in turn', async () => {
    const servedBy = new Set<string | null>();
    for (let i = 0; i < 4; i++) {
      const answer = await requestJson(adminUrl('admin-target/admin/shards'), { headers: ADMIN_HEADERS });
      expect(answer.status).toBe(200);
      servedBy.add(answer.headers.get('x-served-by'));
    }
    expect([...servedBy].sort()).toEqual(['admin-target-1', 'admin-target-2']);
  });

  it('answers 404 for a service the registry does not list, naming those it does, and for an unknown instance', async () => {
    const service = await requestJson<ErrorBody>(adminUrl('no-such-service/admin/faults'), {
      headers: ADMIN_HEADERS,
    });
    const instance = await requestJson<ErrorBody>(
      adminUrl('admin-target/admin/faults?instance=admin-target-9'),
      {
        headers: ADMIN_HEADERS,
      },
    );

    expect([service.status, service.body.error.code]).toEqual([404, 'unknown_service']);
    expect(service.body.error.details).toEqual({
      services: expect.arrayContaining([SERVICE, LONELY, 'gateway']) as unknown,
    });
    expect([instance.status, instance.body.error.code]).toEqual([404, 'unknown_instance']);
    expect(instance.body.error.details).toEqual({ instances: ['admin-target-1', 'admin-target-2'] });
  });

  it('refuses a path that could leave the service path it names, and forwards none', async () => {
    const before = received();

    const answers = await Promise.all(
      ESCAPING_PATHS.map((path) =>
        sendRaw(edge.url, {
          head: `GET ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`,
        }),
      ),
    );

    const codes = answers.map(
      (answer) => `${answer.status} ${(JSON.parse(answer.body) as ErrorBody).error.code}`,
    );
    expect(codes).toEqual(ESCAPING_PATHS.map(() => '400 invalid_path'));
    expect(received()).toBe(before);
  });

  it('answers 503 no_instances once the last instance of a service it knew is gone', async () => {
    await lonely.stop();

    await eventually(async () => {
      const { status, body } = await requestJson<ErrorBody>(adminUrl(`${LONELY}/admin/faults`), {
        headers: ADMIN_HEADERS,
      });
      expect([status, body.error.code]).toEqual([503, 'no_instances']);
    });
  }, 30_000);

  it('counts admin calls in none of the user routes figures', async () => {
    const metrics = await scrape(edge);

    expect(sumOfSeries(metrics, 'gateway_route_requests_total')).toBe(0);
    expect(sumOfSeries(metrics, 'upstream_attempts_total', { service: SERVICE })).toBe(0);
    expect(await upstreamsOf(edge, SERVICE)).toEqual([]);
    const adminCalls = sumOfSeries(metrics, 'http_server_request_duration_seconds_count', {
      route: '/admin/services/:service/*',
    });
    expect(adminCalls).toBeGreaterThan(0);
    reportFigure('service admin', `${adminCalls} admin calls, 0 in route outcomes or upstream attempts`);
  });
});
