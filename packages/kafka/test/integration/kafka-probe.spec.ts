import net from 'node:net';

import { describe, expect, it } from '@jest/globals';

import { createLogger } from '@platform/observability';
import { BlackHoleBroker, eventually, testKafkaBrokers } from '@platform/testing';

import { createKafka } from '../../src/kafka-client.js';
import { KafkaProbe } from '../../src/kafka-probe.js';

const logger = createLogger({ service: 'kafka-test', instance: 'probe', level: 'silent' });

/** A port nothing listens on: bound for a moment by the OS, then released. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** This process's open TCP connections to the given brokers. */
function openSocketsTo(brokers: readonly string[]): number {
  const ports = new Set(brokers.map((broker) => Number(broker.split(':').at(-1))));
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (handle) => handle instanceof net.Socket && !handle.destroyed && ports.has(handle.remotePort ?? -1),
  ).length;
}

describe(KafkaProbe.name, () => {
  it('reports the brokers and the controller of a running cluster', async () => {
    const probe = new KafkaProbe(
      createKafka({ brokers: testKafkaBrokers(), clientId: 'probe-test', logger }),
    );
    try {
      expect(await probe.check()).toEqual({ brokers: 1, controller: expect.any(Number) as unknown });
      // The second check reuses the connection.
      expect(await probe.check()).toMatchObject({ brokers: 1 });
    } finally {
      await probe.close();
    }
  });

  it('leaves no connection open when closed while its first check is still connecting', async () => {
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'probe-test', logger });
    const probe = new KafkaProbe(kafka);
    const connections = () => openSocketsTo(testKafkaBrokers());
    const before = connections();
    const check = probe.check().catch((error: Error) => error);
    await probe.close();
    await check;
    // The connect the check began finishes after close() and is then undone.
    await eventually(() => expect(connections()).toBe(before), { timeoutMs: 3_000 });
    await expect(probe.check()).rejects.toThrow('the Kafka probe is closed');
    expect(connections()).toBe(before);
  });

  it('fails within its timeout when nothing listens, instead of hanging on retries', async () => {
    const kafka = createKafka({
      brokers: [`127.0.0.1:${await deadPort()}`],
      clientId: 'probe-test',
      logger,
      // Retries that outlast the deadline (so the deadline is what ends the check) but not the
      // test: kafkajs cannot cancel a connect that is retrying, and it would keep jest alive.
      retry: { initialRetryTime: 300, retries: 3 },
    });
    const probe = new KafkaProbe(kafka, 1_000);
    try {
      const started = performance.now();
      await expect(probe.check()).rejects.toThrow('Kafka did not answer within 1000 ms');
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2_500);
    } finally {
      await probe.close();
    }
  });

  it('fails within a second against a frozen broker, and checks meanwhile share one attempt', async () => {
    const broker = await BlackHoleBroker.start();
    const probe = new KafkaProbe(
      createKafka({ brokers: [broker.address], clientId: 'probe-test', logger, retry: { retries: 0 } }),
    );
    try {
      const started = performance.now();
      const checks = [probe.check(), probe.check(), probe.check()];
      for (const check of checks) await expect(check).rejects.toThrow('Kafka did not answer within 800 ms');
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(broker.connections).toBe(1);

      const closing = performance.now();
      await probe.close();
      expect(performance.now() - closing).toBeLessThan(1_500);
    } finally {
      await broker.close();
    }
  });
});
