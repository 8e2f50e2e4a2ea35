import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

/**
 * The one transactional id of every flags-service instance publishing to `topic`. Kafka lets one
 * producer per id write: a producer starting with it (initTransactions, done by `connect`) bumps the
 * epoch, aborts the previous holder's open transaction, and fences that holder off, so its later send
 * or commit fails. A publisher paused mid-batch (a zombie) that wakes after another instance has taken
 * over can therefore put nothing on the topic: readers read committed records only.
 */
export function outboxTransactionalId(topic: string): string {
  return `flags-service.outbox.${topic}`;
}

/** A producer for the outbox of `topic`: transactional, idempotent, one request in flight (in order). */
export function outboxProducer(kafka: Kafka, topic: string): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    transactionalId: outboxTransactionalId(topic),
    idempotent: true,
    maxInFlightRequests: 1,
  });
}

/** Sends `messages` to `topic` in one transaction: all of them become visible at once, or none. */
export async function sendInTransaction(
  producer: Producer,
  topic: string,
  messages: Message[],
): Promise<void> {
  const transaction = await producer.transaction();
  try {
    await transaction.send({ topic, acks: -1, messages });
    await transaction.commit();
  } catch (error) {
    // Fenced, or the broker failed: the records stay invisible, the batch stays in the outbox.
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}
