import type { Admin, Kafka } from 'kafkajs';

/**
 * Answers "do the brokers answer?" for readiness checks: one long-lived admin connection, asked for
 * the cluster description, with a deadline so a dead broker makes the check fail instead of hang.
 */
export class KafkaProbe {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<{ brokers: number; controller: number | null }> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    const cluster = await withDeadline(
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      this.timeoutMs,
    );
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
