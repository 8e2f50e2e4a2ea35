import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
import { createTestDatabase, TestServices, uniqueTopic, type TestDatabase } from '@platform/testing';

import { SnowflakeIssuer } from '../../src/ids/snowflake.issuer.js';
import { idService, issueIds, workerIdOf, type IdServiceInstance } from '../id-service.harness.js';

const TOTAL = 10_000_000;
const BATCH = 10_000;
/** Requests each instance has in flight at once. */
const CONCURRENCY = 2;

/** Adjacent equal values in a sorted array: 0 means every id is distinct. */
function countDuplicates(sorted: BigInt64Array): number {
  let duplicates = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) duplicates++;
  return duplicates;
}

describe(`${SnowflakeIssuer.name}: ten million ids from two instances`, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('id-service-10m');
  let database: TestDatabase;
  let instances: IdServiceInstance[];

  beforeAll(async () => {
    database = await createTestDatabase('id_service_10m');
    const options = { registryTopic, databaseUrl: database.url };
    instances = await Promise.all(
      ['id-10m-a', 'id-10m-b'].map((instanceId) => services.start(idService({ ...options, instanceId }))),
    );
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it(`issues ${TOTAL.toLocaleString('en')} ids in batches of ${BATCH.toLocaleString('en')} from both at once, without a duplicate`, async () => {
    const workers = await Promise.all(instances.map(workerIdOf));
    expect(new Set(workers).size).toBe(2);
    // 8 bytes per id, written where its batch belongs: no Set of ten million strings.
    const ids = new BigInt64Array(TOTAL);
    const perInstance = [0, 0];
    let nextBatch = 0;

    const drain = async (instance: number): Promise<void> => {
      while (nextBatch < TOTAL / BATCH) {
        const batch = nextBatch++;
        const { status, body } = await issueIds(instances[instance]!, 'snowflake', `?count=${BATCH}`);
        if (status !== 200) throw new Error(`batch ${batch}: ${status} ${JSON.stringify(body.error)}`);
        let previous = -1n;
        for (let i = 0; i < BATCH; i++) {
          const id = BigInt(body.ids[i]!);
          if (id <= previous) throw new Error(`batch ${batch} is not strictly increasing at ${i}`);
          ids[batch * BATCH + i] = previous = id;
        }
        for (const id of [body.ids[0]!, body.ids[BATCH - 1]!]) {
          expect(decodeSnowflake(BigInt(id)).workerId).toBe(workers[instance]);
        }
        perInstance[instance]! += BATCH;
      }
    };
    await Promise.all(
      [0, 1].flatMap((instance) => Array.from({ length: CONCURRENCY }, () => drain(instance))),
    );

    expect(perInstance[0]! + perInstance[1]!).toBe(TOTAL);
    // Both took a real share of the load (each answers as fast as the other on one event loop).
    expect(Math.min(...perInstance)).toBeGreaterThan(TOTAL / 4);
    ids.sort();
    expect(ids[0]).toBeGreaterThan(0n);
    expect(countDuplicates(ids)).toBe(0);
  }, 300_000);
});
