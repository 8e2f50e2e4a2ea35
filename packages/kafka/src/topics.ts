import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Compacted topics keep the latest value per key; a null value (tombstone) deletes the key. */
  readonly compacted?: boolean;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates the topic if it does not exist yet, and returns once every partition has a leader, so
 * the caller can read and write it at once. Idempotent and safe to race: several instances of a
 * service may call it at once at start-up (one creates it, the others wait for its leaders).
 */
export async function ensureTopic(kafka: Kafka, spec: TopicSpec, timeoutMs = 15_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(spec.topic)) await create(admin, spec);
    await waitForLeaders(admin, spec.topic, timeoutMs);
  } finally {
    await admin.disconnect();
  }
}

async function create(admin: Admin, spec: TopicSpec): Promise<void> {
  const config: Record<string, string> = { ...(spec.config ?? {}) };
  if (spec.compacted) {
    config['cleanup.policy'] ??= 'compact';
    // Keep tombstones long enough for a consumer reading from the start to see deletions.
    config['delete.retention.ms'] ??= String(60 * 60 * 1000);
  }
  // Not kafkajs's own wait for leaders: it gives up on the first "unknown topic" a broker answers while
  // the new topic's metadata is still spreading (seen on a fresh broker while it creates its consumer
  // offsets topic); waitForLeaders below retries until its deadline.
  await admin.createTopics({
    waitForLeaders: false,
    topics: [
      {
        topic: spec.topic,
        numPartitions: spec.partitions ?? 1,
        replicationFactor: spec.replicationFactor ?? 1,
        configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

async function waitForLeaders(admin: Admin, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topic ${topic} has partitions without a leader after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
