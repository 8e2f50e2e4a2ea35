import type { Admin, Kafka } from 'kafkajs';

import { settledWithin, withDeadline } from './deadline.js';

/** A readiness check answers within a second, whatever the broker does. */
const DEFAULT_TIMEOUT_MS = 800;
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Answers "do the brokers answer?" for readiness checks: one long-lived admin connection, asked for
 * the cluster description, with a deadline so a dead or frozen broker makes the check fail instead of
 * hang. Checks that arrive while one is still waiting for the broker share its answer rather than
 * stacking up connection attempts against a broker that does not answer.
 */
export class KafkaProbe {
  private admin: Admin | undefined;
  private inFlight: Promise<{ brokers: number; controller: number | null }> | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  check(): Promise<{ brokers: number; controller: number | null }> {
    if (this.closed) return Promise.reject(new Error('the Kafka probe is closed'));
    this.inFlight ??= this.describe().finally(() => (this.inFlight = undefined));
    return withDeadline(this.inFlight, this.timeoutMs);
  }

  /**
   * Disconnects, waiting a second at most (a frozen broker never lets a disconnect finish). Checks
   * after this fail at once, and a connect still under way when it came is disconnected once done:
   * a service whose start-up failed closes its probe while its own start-up check may be connecting,
   * and an admin left connected holds the process open.
   */
  async close(): Promise<void> {
    this.closed = true;
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await settledWithin(admin.disconnect(), CLOSE_TIMEOUT_MS);
  }

  private async describe(): Promise<{ brokers: number; controller: number | null }> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } finally {
      if (this.closed) await settledWithin(admin.disconnect(), CLOSE_TIMEOUT_MS);
    }
  }
}
