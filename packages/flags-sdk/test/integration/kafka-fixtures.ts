import { createServer } from 'node:net';

import { Partitioners, type Kafka, type Producer } from 'kafkajs';

import { createKafka, ensureTopic } from '@platform/kafka';
import type { Logger } from '@platform/observability';
import { testKafkaBrokers, uniqueTopic } from '@platform/testing';

import { FlagsClient, type FlagsClientOptions } from '../../src/flags-client.js';
import type { WireMessage } from '../../src/testing/wire-messages.js';

/**
 * What the integration tests share: a Kafka client for the run's broker, a producer that publishes
 * in the wire format as flags-service does (idempotent, in order), a compacted topic per test, and
 * the clients a test started, stopped after it.
 */
export class FlagsTestKafka {
  readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly clients: FlagsClient[] = [];

  constructor(private readonly logger: Logger) {
    this.kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'flags-sdk-test', logger });
  }

  /** A compacted flags topic of the test's own, as flags-service creates it. */
  async topic(): Promise<string> {
    const topic = uniqueTopic('flags');
    await ensureTopic(this.kafka, { topic, compacted: true });
    return topic;
  }

  async publish(topic: string, ...messages: WireMessage[]): Promise<void> {
    this.producer ??= this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await this.producer.connect();
    await this.producer.send({ topic, acks: -1, messages: [...messages] });
  }

  /** A client on `topic`, not started yet; stopped with the others after the test. */
  client(topic: string, options: Partial<FlagsClientOptions> & { clientId: string }): FlagsClient {
    const client = new FlagsClient({ kafka: this.kafka, topic, logger: this.logger, ...options });
    this.clients.push(client);
    return client;
  }

  /** A client on `topic`, started (its snapshot loaded, the topic being read in the background). */
  async startClient(
    topic: string,
    options: Partial<FlagsClientOptions> & { clientId: string },
  ): Promise<FlagsClient> {
    const client = this.client(topic, options);
    await client.start();
    return client;
  }

  async stopClients(): Promise<void> {
    for (const client of this.clients.splice(0).reverse()) await client.stop();
  }

  async close(): Promise<void> {
    await this.stopClients();
    await this.producer?.disconnect();
  }
}

/** A local port nothing listens on: a broker there refuses every connection at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The nearest-rank percentile of `values` (p in 0..1). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
