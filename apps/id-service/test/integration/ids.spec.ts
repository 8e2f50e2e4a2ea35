import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
import {
  createTestDatabase,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { IdsController } from '../../src/ids/ids.controller.js';
import {
  idService,
  isStrictlyIncreasing,
  issueIds,
  workerIdOf,
  type IdServiceInstance,
  type WorkerLeaseHealth,
} from '../id-service.harness.js';

const issue = (instance: IdServiceInstance, query = '', kind = 'snowflake') =>
  issueIds(instance, kind, query);

describe(`${IdsController.name}: Snowflake ids from two instances`, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('id-service-ids');
  let database: TestDatabase;
  let first: IdServiceInstance;
  let second: IdServiceInstance;

  beforeAll(async () => {
    database = await createTestDatabase('id_service_ids');
    const options = { registryTopic, databaseUrl: database.url };
    first = await services.start(idService({ ...options, instanceId: 'id-service-a' }));
    second = await services.start(idService({ ...options, instanceId: 'id-service-b' }));
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('gives two instances sharing one database different worker ids, and each issues under its own', async () => {
    const workers = [await workerIdOf(first), await workerIdOf(second)];
    expect(new Set(workers).size).toBe(2);

    for (const [instance, workerId] of [
      [first, workers[0]],
      [second, workers[1]],
    ] as const) {
      const { status, body } = await issue(instance, '?count=3');
      expect(status).toBe(200);
      for (const id of body.ids) {
        expect(decodeSnowflake(BigInt(id))).toMatchObject({ datacenterId: 0, workerId });
      }
    }
  });

  it('issues 50,000 ids across both instances at once without a single duplicate', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => issue(i % 2 === 0 ? first : second, '?count=1000')),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const ids = responses.flatMap((r) => r.body.ids);
    expect(ids).toHaveLength(50_000);
    expect(new Set(ids).size).toBe(50_000);
    for (const response of responses) expect(isStrictlyIncreasing(response.body.ids.map(BigInt))).toBe(true);
  });

  it('issues ids from one instance that strictly increase across consecutive requests', async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 20; i++) {
      const { status, body } = await issue(first, '?count=250');
      expect(status).toBe(200);
      ids.push(...body.ids.map(BigInt));
    }

    expect(ids).toHaveLength(5_000);
    expect(isStrictlyIncreasing(ids)).toBe(true);
  });

  it('issues one id when no count is given, and up to 10000 in one request', async () => {
    const single = await issue(first);
    const most = await issue(first, '?count=10000');

    expect(single.status).toBe(200);
    expect(single.body.ids).toHaveLength(1);
    expect(single.body.ids[0]).toMatch(/^\d+$/);
    expect(most.status).toBe(200);
    expect(most.body.ids).toHaveLength(10_000);
  });

  it.each([
    ['0', 'count must be at least 1'],
    ['10001', 'count must be at most 10000'],
    ['abc', 'count must be a whole number from 1 to 10000'],
    ['-1', 'count must be a whole number from 1 to 10000'],
    ['2.5', 'count must be a whole number from 1 to 10000'],
  ])('answers count=%s with 400 JSON saying "%s"', async (count, message) => {
    const { status, headers, body } = await issue(first, `?count=${count}`);

    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain(message);
  });

  it('answers 400 naming a query parameter it does not know', async () => {
    const { status, body } = await issue(first, '?count=1&size=2');

    expect(status).toBe(400);
    expect(body.error.message).toContain('size');
  });

  it('answers 400 for an unknown id kind, listing the kinds it knows', async () => {
    const { status, body } = await issue(first, '?count=1', 'uuid');

    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain(
      'unknown id kind "uuid"; use one of: snowflake, instagram, objectid, ulid, uuidv7',
    );
  });

  it('reports itself ready with postgres, kafka and its worker lease up', async () => {
    const { status, body } = await requestJson<WorkerLeaseHealth>(`${second.url}/health/ready`);

    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info).toMatchObject({
      postgres: { status: 'up' },
      kafka: { status: 'up' },
      'worker-lease': { status: 'up', datacenterId: 0, workerId: expect.any(Number) },
    });
  });
});
