import { describe, expect, it } from '@jest/globals';

import { Partitioners } from 'kafkajs';

import { createLogger } from '@platform/observability';

import { createKafka } from './kafka-client.js';

/** A client for a broker nobody runs (producers connect on connect(), never here), its log kept. */
function kafkaWithLog() {
  const raw: string[] = [];
  const logger = createLogger({
    service: 'spec',
    instance: 'spec-1',
    destination: { write: (line: string) => void raw.push(line) },
  });
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'spec', logger });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { kafka, lines };
}

describe(createKafka.name, () => {
  // kafkajs warns once per process: the producer that names its partitioner comes first.
  it('logs nothing for a producer that names its partitioner, as every producer here does', () => {
    const { kafka, lines } = kafkaWithLog();
    kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    expect(lines()).toEqual([]);
  });

  it("bridges kafkajs' warnings into the service's JSON log, marked as kafkajs'", () => {
    const { kafka, lines } = kafkaWithLog();
    kafka.producer(); // eslint-disable-line no-restricted-syntax -- the warning this test is about
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        service: 'spec',
        component: 'kafkajs',
        msg: expect.stringContaining('KafkaJS v2.0.0 switched default partitioner'),
      }),
    ]);
  });
});
