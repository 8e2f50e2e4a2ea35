import { randomBytes } from 'node:crypto';

import { Kafka, logLevel, Partitioners } from 'kafkajs';

import { sleep } from '../http.js';
import { check, type ChaosContext, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { evaluateFlag, issueIds, readUsers } from '../traffic/flows.js';
import { summarize } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, pct, Timeline } from './phases.js';

const TOPICS = ['platform.registry', 'platform.flags'];
/** Under the broker's default message.max.bytes (1 MiB), over anything a real record is. */
const OVERSIZED_BYTES = 900 * 1024;

/** What a buggy producer, a tool run against the wrong topic or a half-written migration puts on a topic. */
function garbage(run: string): { key: string | null; value: Buffer | string | null }[] {
  const key = (name: string) => `chaos-${run}-${name}`;
  return [
    { key: key('binary'), value: randomBytes(256) },
    { key: key('truncated-json'), value: '{"service":"user-service","instanceId":' },
    {
      key: key('wrong-shape'),
      value: JSON.stringify({ service: 42, instanceId: null, port: 'eighty', v: 99 }),
    },
    { key: key('array'), value: '[1,2,3]' },
    { key: key('empty'), value: '' },
    { key: null, value: 'a record without a key' },
    {
      key: key('oversized'),
      value: JSON.stringify({ service: 'user-service', padding: 'x'.repeat(OVERSIZED_BYTES) }),
    },
    { key: key('nul-bytes'), value: Buffer.from([0, 0, 0, 0, 123, 0]) },
  ];
}

/**
 * Garbage and oversized records on the registry and flags topics. Every service consumes both; a
 * record it cannot read must be skipped and logged, never crash the consumer, stall it, or change
 * what it serves.
 */
export const topicGarbageScenario: Scenario = {
  name: 'topic-garbage',
  fault: `binary, truncated, wrongly shaped, keyless, empty and ${OVERSIZED_BYTES / 1024} KB records on ${TOPICS.join(' and ')}`,
  why: 'a producer with a bug or an old schema, or a tool pointed at the wrong topic: one poison record must not take every consumer down',
  run,
};

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, gateway } = context;
  const fixture = await context.fixture();
  const brokers = [...target.state().infrastructure.kafka.brokers];
  const registeredBefore = await gateway.registered();
  const kafka = new Kafka({ clientId: 'chaos', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const flows = [
    readUsers(target, 'users', [...fixture.usersOn['a']!, ...fixture.usersOn['b']!], 15),
    issueIds(target, 10),
    evaluateFlag(target, fixture.flagKey, 10),
  ];
  const timeline = new Timeline();
  const run = Date.now().toString(36);
  const records = garbage(run);
  let produced = 0;
  const refusedByBroker: string[] = [];
  try {
    const { samples } = await withTraffic(flows, async () => {
      await timeline.hold('before', 2_000);
      timeline.begin('garbage');
      for (const topic of TOPICS) {
        for (const record of records) {
          // The broker itself refuses some (a compacted topic takes no record without a key).
          try {
            await producer.send({ topic, messages: [record], acks: -1 });
            produced++;
          } catch (error) {
            refusedByBroker.push(`${topic}/${record.key ?? 'no key'}: ${(error as Error).message}`);
          }
        }
      }
      context.say(`produced ${produced} garbage records; watching for ${context.short ? 8 : 20} s`);
      await sleep(context.short ? 8_000 : 20_000);
      timeline.begin('tombstones');
      // Clean the compacted topics up: a tombstone per garbage key (itself a record consumers must take).
      for (const topic of TOPICS) {
        const messages = records.filter((r) => r.key !== null).map((r) => ({ key: r.key, value: null }));
        await producer.send({ topic, messages, acks: -1 });
      }
      await timeline.hold('after', 3_000);
    });
    const all = summarize(samples);
    const notReady = await gateway.notReady();
    const registeredAfter = await gateway.registered();
    const lost = Object.entries(registeredBefore).flatMap(([service, ids]) =>
      ids.filter((id) => !(registeredAfter[service] ?? []).includes(id)).map((id) => `${service}/${id}`),
    );
    const strays = Object.keys(registeredAfter).filter((service) => !(service in registeredBefore));
    return {
      checks: [
        check(
          '0 failed ordinary requests',
          all.failed === 0,
          `${all.failed} failed of ${all.requests} (${pct(all.servedPct)})`,
        ),
        check('every instance stays ready', notReady.length === 0, notReady.join(', ') || 'all ready'),
        check(
          'the registry view unchanged: nobody lost, no garbage service',
          lost.length === 0 && strays.length === 0,
          `lost [${lost.join(', ')}], new [${strays.join(', ')}]`,
        ),
      ],
      figures: { produced, refusedByBroker, phases: byPhase(samples, timeline, ['users', 'ids', 'flags']) },
    };
  } finally {
    await producer.disconnect();
  }
}
