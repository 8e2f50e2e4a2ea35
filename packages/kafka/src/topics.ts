import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Compacted topics keep the latest value per key; a null value (tombstone) deletes the key. */
  readonly compacted?: boolean;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates the topic if it does not exist yet. Idempotent and safe to race: several instances of a
 * service may call it at once at start-up.
 */
export async function ensureTopic(kafka: Kafka, spec: TopicSpec): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(spec.topic)) return;
    const config: Record<string, string> = { ...(spec.config ?? {}) };
    if (spec.compacted) {
      config['cleanup.policy'] ??= 'compact';
      // Keep tombstones long enough for a consumer reading from the start to see deletions.
      config['delete.retention.ms'] ??= String(60 * 60 * 1000);
    }
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions ?? 1,
          replicationFactor: spec.replicationFactor ?? 1,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
