import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';

import { ensureTopic } from '@platform/kafka';
import { createPool, migrate, type Pool, type PoolClient } from '@platform/postgres';
import {
  createTestDatabase,
  createTestKafka,
  eventually,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { flagMessage } from '../../src/flags/flag-publisher.js';
import { migrations } from '../../src/flags/migrations.js';
import { publishOutboxBatch, type OutboxEvent } from '../../src/flags/outbox-batch.js';

/** A change as FlagsRepository writes it to the outbox, inside the caller's transaction. */
async function writeEvent(client: Pool | PoolClient, key: string): Promise<bigint> {
  const { rows } = await client.query<{ seq: bigint }>(
    `INSERT INTO flag_events (kind, key, version, deleted, definition)
     VALUES ('flag', $1, 1, false, '{"enabled": true}') RETURNING seq`,
    [key],
  );
  return rows[0]!.seq;
}

/**
 * Issue 19, race 1: the outbox publisher against a writer whose transaction took a lower seq and
 * commits while a batch is being sent. The interleaving is forced, not hoped for: the slow writer
 * holds its transaction open, the send waits at a gate the test opens after the writer committed.
 */
describe('the flags outbox while a slow writer commits during a send', () => {
  const topic = uniqueTopic('flags-outbox');
  const received: string[] = [];
  let database: TestDatabase;
  let pool: Pool;
  let producer: Producer;
  let consumer: Consumer;

  const sendToKafka = async (events: readonly OutboxEvent[]) => {
    await producer.send({ topic, acks: -1, messages: events.map(flagMessage) });
  };
  const outbox = async () =>
    (await pool.query<{ key: string }>('SELECT key FROM flag_events ORDER BY seq')).rows.map(
      (row) => row.key,
    );

  beforeAll(async () => {
    database = await createTestDatabase('flags_outbox_race');
    pool = createPool({ connectionString: database.url, applicationName: 'outbox-interleaving.spec' });
    await migrate(pool, migrations);
    const kafka = createTestKafka('flags-outbox-race');
    await ensureTopic(kafka, { topic, compacted: true });
    producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueTopic('outbox-reader'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(message.key?.toString() ?? '');
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
    await pool?.end();
    await database?.drop();
  });

  it('publishes the slow writer’s change with the next batch instead of deleting it unsent', async () => {
    const slow = await pool.connect();
    let slowSeq: bigint;
    let fastSeq: bigint;
    try {
      await slow.query('BEGIN');
      slowSeq = await writeEvent(slow, 'slow-writer');
      fastSeq = await writeEvent(pool, 'fast-writer');
      expect(slowSeq < fastSeq).toBe(true);

      let inSend!: () => void;
      const sending = new Promise<void>((resolve) => (inSend = resolve));
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const firstSent: string[] = [];
      const first = publishOutboxBatch(pool, 500, async (events) => {
        firstSent.push(...events.map((event) => event.key));
        inSend();
        await gate;
        await sendToKafka(events);
      });
      await sending;
      await slow.query('COMMIT'); // the slow writer's change is stored now, with a seq below the batch's
      openGate();
      expect(await first).toBe(1);
      expect(firstSent).toEqual(['fast-writer']);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      slow.release();
    }

    // Stored and acknowledged to its client, not yet sent: it must still be in the outbox.
    expect(await outbox()).toEqual(['slow-writer']);
    expect(await publishOutboxBatch(pool, 500, sendToKafka)).toBe(1);
    expect(await outbox()).toEqual([]);
    await eventually(() => expect([...received].sort()).toEqual(['flag:fast-writer', 'flag:slow-writer']), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  }, 60_000);

  it('leaves the whole batch in the outbox when the send fails', async () => {
    await writeEvent(pool, 'unsent');
    await expect(
      publishOutboxBatch(pool, 500, () => Promise.reject(new Error('broker unreachable'))),
    ).rejects.toThrow('broker unreachable');
    expect(await outbox()).toEqual(['unsent']);
    expect(await publishOutboxBatch(pool, 500, sendToKafka)).toBe(1);
    expect(await outbox()).toEqual([]);
  });
});
