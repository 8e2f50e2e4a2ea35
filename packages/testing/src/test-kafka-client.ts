import { Kafka, logLevel, Partitioners } from 'kafkajs';

import { testKafkaBrokers } from './test-kafka.js';

/** A kafkajs client for the run's broker, quiet, for tests that publish or read directly. */
export function createTestKafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
}

/**
 * Writes messages to `topic` exactly as given (no schema, no serialisation), the way a buggy or
 * hostile producer would.
 */
export async function publishRaw(
  topic: string,
  messages: readonly { key: string | null; value: string | Buffer | null }[],
): Promise<void> {
  const producer = createTestKafka('test-raw-producer').producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  } finally {
    await producer.disconnect();
  }
}
