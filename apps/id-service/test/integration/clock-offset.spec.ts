import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { ClockControl } from '../../src/ids/clock-control.js';
import { ID_METRIC } from '../../src/ids/id-metrics.js';
import { idService, isStrictlyIncreasing, issueIds, type IdServiceInstance } from '../id-service.harness.js';

function setClockOffset(instance: IdServiceInstance, offsetMs: number, token = TEST_ADMIN_TOKEN) {
  return requestJson<{ offsetMs: number } & ErrorBody>(`${instance.url}/admin/clock`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    json: { offsetMs },
  });
}

/** The value of counter `name` for `kind` on the instance's /metrics. */
async function counter(instance: IdServiceInstance, name: string, kind: string): Promise<number> {
  const { text } = await requestJson(`${instance.url}/metrics`);
  const sample = new RegExp(`^${name}\\{kind="${kind}"[^}]*\\} (\\d+)$`, 'm').exec(text);
  return sample ? Number(sample[1]) : 0;
}

const clockRefusals = (instance: IdServiceInstance, kind: string) =>
  counter(instance, ID_METRIC.clockRefusals, kind);

async function snowflakes(instance: IdServiceInstance, count: number): Promise<bigint[]> {
  const { status, body } = await issueIds(instance, 'snowflake', `?count=${count}`);
  expect(body.error).toBeUndefined();
  expect(status).toBe(200);
  return body.ids.map(BigInt);
}

describe(`${ClockControl.name}: a real instance whose clock is stepped back`, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('id-service-clock');
  let database: TestDatabase;
  let instance: IdServiceInstance;

  beforeAll(async () => {
    database = await createTestDatabase('id_service_clock');
    instance = await services.start(
      idService({
        registryTopic,
        instanceId: 'id-clock',
        databaseUrl: database.url,
        env: { FAULTS_ENABLED: 'true', MAX_CLOCK_BACKWARD_MS: '200' },
      }),
    );
  });

  afterEach(async () => {
    await setClockOffset(instance, 0);
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('exports every kind’s clock counters at 0 before anything happened, so the first refusal can alert', async () => {
    const { text } = await requestJson(`${instance.url}/metrics`);
    for (const kind of ['snowflake', 'instagram', 'objectid', 'ulid', 'uuidv7'])
      expect(text).toMatch(new RegExp(`^${ID_METRIC.clockRefusals}\\{kind="${kind}"[^}]*\\} 0$`, 'm'));
  });

  it('issues through a 5 ms step back, waits out a 100 ms one, refuses a 5 s one with 503, a metric and a log line, and resumes once restored', async () => {
    const before = await snowflakes(instance, 5_000);
    for (const kind of ['ulid', 'uuidv7'])
      expect((await issueIds(instance, kind, '?count=10')).status).toBe(200);

    // 5 ms back: ids are still issued, above the ones before. (Over HTTP the step is usually used up
    // by the time the next request arrives: the clock has moved on more than 5 ms. The unit tests
    // of @platform/ids step an injected clock back exactly 5 ms and see the generator wait.)
    expect((await setClockOffset(instance, -5)).status).toBe(200);
    const afterSmallStep = await snowflakes(instance, 5_000);
    // 100 ms back, within this instance's 200 ms bound: the generator waits until its clock has
    // caught up with the newest id, however long the requests in between took.
    const waitsBefore = await counter(instance, ID_METRIC.clockWaits, 'snowflake');
    await setClockOffset(instance, 0);
    afterSmallStep.push(...(await snowflakes(instance, 1)));
    expect((await setClockOffset(instance, -100)).status).toBe(200);
    afterSmallStep.push(...(await snowflakes(instance, 5_000)));
    expect(await counter(instance, ID_METRIC.clockWaits, 'snowflake')).toBe(waitsBefore + 1);
    expect(afterSmallStep[0]! > before.at(-1)!).toBe(true);
    expect(isStrictlyIncreasing(afterSmallStep)).toBe(true);

    // 5 s back: refused, for Snowflake and for the other kinds that read this clock and keep order.
    expect((await setClockOffset(instance, -5_000)).status).toBe(200);
    const refusalsBefore = await clockRefusals(instance, 'snowflake');
    const refused = await issueIds(instance, 'snowflake', '?count=10');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.error.code).toBe('clock_moved_backwards');
    const behindMs = Number(
      /^the clock is (\d+) ms behind the newest id's time/.exec(refused.body.error.message)?.[1],
    );
    expect(behindMs).toBeGreaterThan(4_500);
    expect(behindMs).toBeLessThanOrEqual(5_000);
    expect(refused.body.error.message).toContain('refusing to issue ids until it catches up');
    expect(await clockRefusals(instance, 'snowflake')).toBe(refusalsBefore + 1);
    const logged = instance.logs.matching(
      'refusing to issue ids',
      (line) => line.code === 'clock_moved_backwards',
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', status: 503 });
    for (const kind of ['ulid', 'uuidv7']) {
      expect((await issueIds(instance, kind, '?count=10')).status).toBe(503);
      expect(await clockRefusals(instance, kind)).toBe(1);
    }

    // Clock restored: issuing resumes above every id issued before, none repeated.
    expect((await setClockOffset(instance, 0)).status).toBe(200);
    const afterRestore = await snowflakes(instance, 5_000);
    expect(afterRestore[0]! > afterSmallStep.at(-1)!).toBe(true);
    const all = [...before, ...afterSmallStep, ...afterRestore];
    expect(new Set(all).size).toBe(all.length);
    expect(isStrictlyIncreasing(all)).toBe(true);
    expect(decodeSnowflake(afterRestore[0]!).timestampMs).toBeLessThanOrEqual(Date.now());
  });

  it('takes clock offsets only with the admin token', async () => {
    const { status, body } = await setClockOffset(instance, -5_000, 'wrong-token');

    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthenticated');
    expect((await issueIds(instance, 'snowflake')).status).toBe(200);
  });

  it('refuses clock offsets on an instance started without FAULTS_ENABLED', async () => {
    const plain = await services.start(
      idService({ registryTopic, instanceId: 'id-clock-plain', databaseUrl: database.url }),
    );

    const { status, body } = await setClockOffset(plain, -5_000);

    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body.error.message).toMatch(/FAULTS_ENABLED/);
    expect((await issueIds(plain, 'snowflake')).status).toBe(200);
  });
});
