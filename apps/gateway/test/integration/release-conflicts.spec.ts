import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createKafka } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { eventually, testKafkaBrokers, uniqueTopic } from '@platform/testing';

import { ReleaseStore } from '../../src/releases/release-store.js';
import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from '../../src/releases/release.js';

const logger = createLogger({ service: 'gateway-test', instance: 'test', level: 'silent' });

function canary(service: string, overrides: Partial<Release>): Release {
  const at = new Date().toISOString();
  return {
    v: RELEASE_RECORD_VERSION,
    service,
    strategy: 'canary',
    stable: '1.0.0',
    candidate: '2.0.0',
    phase: 'progressing',
    weight: 10,
    steps: [10, 50],
    analysis: { ...DEFAULT_ANALYSIS },
    lastAnalysis: null,
    history: [],
    revision: 1,
    startRevision: 1,
    coordinator: 'gateway-1',
    startedAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/**
 * Issue 19, race 5: two gateways writing one service's release on the real releases topic. Kafka has
 * no compare-and-set, so each interleaving below is written in the order that used to go wrong, and
 * every gateway (a store reading the topic from the start, as a restarted one does) must end up
 * holding the same record.
 */
describe('two gateways saving one release', () => {
  const topic = uniqueTopic('releases-conflicts');
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'release-conflicts', logger });
  const stores: ReleaseStore[] = [];
  const gateway = async (name: string) => {
    const store = new ReleaseStore({ kafka, topic, replicationFactor: 1, logger, clientId: name });
    stores.push(store);
    expect(await store.start(20_000)).toBe(true);
    return store;
  };
  let one: ReleaseStore;
  let two: ReleaseStore;

  beforeAll(async () => {
    [one, two] = await Promise.all([gateway('gateway-1'), gateway('gateway-2')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.stop()));
  });

  /** Every store, and one that reads the topic afresh, hold the same record of `service`. */
  async function everyoneHolds(service: string): Promise<Release> {
    const fresh = await gateway(`fresh-${service}`);
    return eventually(
      () => {
        const held = [one, two, fresh].map((store) => store.get(service));
        expect(held[1]).toEqual(held[0]);
        expect(held[2]).toEqual(held[0]);
        return held[0]!;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  }

  it('keeps an operator’s abort when the coordinator, cut off from Kafka, saves its later steps afterwards', async () => {
    const started = canary('abort-vs-offline', {});
    await one.save(started);
    await eventually(() => expect(two.get('abort-vs-offline')).toEqual(started));
    // gateway-1 (the coordinator) loses Kafka and raises the canary twice, acting on it locally.
    const raised = canary('abort-vs-offline', { ...started, revision: 2, weight: 50 });
    const promoted = canary('abort-vs-offline', { ...started, revision: 3, weight: 100, phase: 'promoted' });
    one.apply(raised);
    one.apply(promoted);
    // Meanwhile an operator aborts through gateway-2, which saw only the start.
    const aborted = canary('abort-vs-offline', { ...started, revision: 2, weight: 0, phase: 'aborted' });
    await two.save(aborted);
    // gateway-1 is back and saves what it did.
    await one.save(promoted);
    expect(await everyoneHolds('abort-vs-offline')).toEqual(aborted);
  }, 60_000);

  it('settles two different changes saved at the same revision the same way on every gateway', async () => {
    const started = canary('same-revision', {});
    await one.save(started);
    await eventually(() => expect(two.get('same-revision')).toEqual(started));
    await Promise.all([
      one.save({ ...started, revision: 2, weight: 50 }),
      two.save({ ...started, revision: 2, weight: 30, updatedAt: new Date(Date.now() + 1).toISOString() }),
    ]);
    expect((await everyoneHolds('same-revision')).revision).toBe(2);
  }, 60_000);

  it('does not bring back an old release saved late over the one started after it', async () => {
    const old = canary('late-old-release', {});
    await one.save(old);
    await eventually(() => expect(two.get('late-old-release')).toEqual(old));
    const oldLate = { ...old, revision: 5, weight: 50 }; // kept locally by a gateway cut off from Kafka
    one.apply(oldLate);
    const aborted = { ...old, revision: 2, weight: 0, phase: 'aborted' as const };
    await two.save(aborted);
    const next = canary('late-old-release', {
      revision: 3,
      startRevision: 3,
      coordinator: 'gateway-2',
      candidate: '3.0.0',
    });
    await two.save(next);
    await one.save(oldLate);
    expect(await everyoneHolds('late-old-release')).toEqual(next);
  }, 60_000);
});
