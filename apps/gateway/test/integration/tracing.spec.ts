import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import { TRACERESPONSE_HEADER } from '@platform/observability';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type LogLine,
  type TestDatabase,
} from '@platform/testing';

import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import { userService, type UserServiceInstance } from '../../../user-service/test/user-service.harness.js';
import { gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';

const HEX_16 = /^[0-9a-f]{16}$/;
const HEX_32 = /^[0-9a-f]{32}$/;
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

/**
 * One request through the gateway to user-service, which calls id-service for the new user's id:
 * three services, three processes' worth of logging (in one test process), real Postgres and Kafka.
 */
describe('W3C trace context across the gateway and the services', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-tracing');
  let databases: TestDatabase[] = [];
  let edge: GatewayInstance;
  let users: UserServiceInstance;
  let ids: IdServiceInstance;
  let created = 0;

  /** `POST /api/users` through the gateway with `headers`; the answer's trace and request ids. */
  async function createUser(headers: Record<string, string> = {}) {
    created += 1;
    const { status, headers: answer } = await requestJson(`${edge.url}/api/users`, {
      method: 'POST',
      json: { email: `tracing-${created}@example.com`, name: `Tracing ${created}` },
      headers,
    });
    expect(status).toBe(201);
    const [version, traceId, spanId, flags] = (answer.get(TRACERESPONSE_HEADER) ?? '').split('-');
    return { version, traceId, spanId, flags, requestId: answer.get('x-request-id') };
  }

  /** The access log line of the request in `traceId` that `service` served. */
  async function accessLine(service: { logs: { lines: readonly LogLine[] } }, traceId: string) {
    let line: LogLine | undefined;
    await eventually(() => {
      line = service.logs.lines.find((l) => l.msg === 'request completed' && l['traceId'] === traceId);
      expect(line).toBeDefined();
    });
    return line!;
  }

  beforeAll(async () => {
    databases = await Promise.all([
      createTestDatabase('gateway_tracing_ids'),
      createTestDatabase('gateway_tracing_catalog'),
      createTestDatabase('gateway_tracing_shard'),
      createTestDatabase('gateway_tracing_shard'),
    ]);
    const [idDatabase, catalog, ...shards] = databases;
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-tracing' }));
    ids = await services.start(
      idService({ registryTopic, instanceId: 'id-tracing', databaseUrl: idDatabase!.url }),
    );
    users = await services.start(
      userService({
        registryTopic,
        instanceId: 'users-tracing',
        data: {
          catalogUrl: catalog!.url,
          shardUrls: shards.map((db) => db.url),
          shardMapTopic: uniqueTopic('gateway-tracing-shard-map'),
        },
      }),
    );
    await untilListed(edge, 'user-service', ['users-tracing']);
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service').map((i) => i.id)).toEqual(['id-tracing']));
  });

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled(databases.map((db) => db.drop()));
  });

  it('starts a trace at the gateway that every service logs under the same trace id, span by span', async () => {
    const answer = await createUser();

    // The client learns the trace id (and the gateway's span) from traceresponse.
    expect(answer).toMatchObject({
      version: '00',
      traceId: expect.stringMatching(HEX_32),
      spanId: expect.stringMatching(HEX_16),
      flags: '01',
    });
    const atGateway = await accessLine(edge, answer.traceId!);
    const atUsers = await accessLine(users, answer.traceId!);
    const atIds = await accessLine(ids, answer.traceId!);

    // One trace, one request id; each service its own span, the caller's span as its parent.
    expect(atGateway).toMatchObject({
      service: 'gateway',
      instance: 'gateway-tracing',
      level: 'info',
      route: '/api/*',
      status: 201,
      requestId: answer.requestId,
      spanId: answer.spanId,
    });
    expect(atGateway).not.toHaveProperty('parentSpanId');
    expect(atUsers).toMatchObject({
      service: 'user-service',
      instance: 'users-tracing',
      level: 'info',
      route: '/users',
      status: 201,
      requestId: answer.requestId,
      spanId: expect.stringMatching(HEX_16),
      parentSpanId: answer.spanId,
    });
    expect(atIds).toMatchObject({
      service: 'id-service',
      instance: 'id-tracing',
      level: 'info',
      route: '/ids/:kind',
      status: 200,
      requestId: answer.requestId,
      spanId: expect.stringMatching(HEX_16),
      parentSpanId: atUsers['spanId'],
    });
    expect(new Set([atGateway['spanId'], atUsers['spanId'], atIds['spanId']]).size).toBe(3);
  });

  it("continues a client's valid trace: its trace id in every service, its span the gateway's parent", async () => {
    const answer = await createUser({
      traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
      tracestate: 'congo=t61rcWkgMzE',
    });

    expect(answer.traceId).toBe(CLIENT_TRACE_ID);
    expect(answer.spanId).not.toBe(CLIENT_SPAN_ID);
    const atGateway = await accessLine(edge, CLIENT_TRACE_ID);
    expect(atGateway).toMatchObject({ spanId: answer.spanId, parentSpanId: CLIENT_SPAN_ID });
    const atUsers = await accessLine(users, CLIENT_TRACE_ID);
    expect(atUsers).toMatchObject({ parentSpanId: answer.spanId });
    expect(await accessLine(ids, CLIENT_TRACE_ID)).toMatchObject({ parentSpanId: atUsers['spanId'] });
  });

  it('starts a new trace rather than trust a malformed traceparent', async () => {
    const malformed = `00-${CLIENT_TRACE_ID.toUpperCase()}-${CLIENT_SPAN_ID}-01`;
    const answer = await createUser({ traceparent: malformed });

    expect(answer.traceId).toMatch(HEX_32);
    expect(answer.traceId).not.toBe(CLIENT_TRACE_ID);
    const atGateway = await accessLine(edge, answer.traceId!);
    expect(atGateway).not.toHaveProperty('parentSpanId');
    expect(await accessLine(ids, answer.traceId!)).toMatchObject({ requestId: answer.requestId });
  });
});
