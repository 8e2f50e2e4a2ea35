import { Injectable } from '@nestjs/common';

/** Publishes the instance's record again, with the labels as they are now; true once Kafka has it. */
export type MetadataPublisher = () => Promise<boolean>;

/**
 * Labels this instance announces in the registry besides its address, version and zone. Modules
 * add theirs while the app initialises (id-service: its leased worker id); they are published
 * with the first heartbeat, after the server listens. A label changed later (the weight, through
 * `PUT /admin/weight`) is published at once, not at the next heartbeat.
 */
@Injectable()
export class RegistrationMetadata {
  private readonly values = new Map<string, string>();
  private publish: MetadataPublisher | undefined;

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /**
   * Sets a label and, once the instance is announced, publishes its record out of turn. Resolves
   * true once Kafka has the record, false if it could not take it within `waitMs` (the heartbeats
   * keep sending it); true before the instance is announced, as the first heartbeat will carry it.
   */
  async change(key: string, value: string, waitMs: number): Promise<boolean> {
    this.set(key, value);
    if (!this.publish) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, waitMs, false);
    });
    try {
      return await Promise.race([this.publish(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Where changes go once the instance is announced (the discovery lifecycle sets it). */
  publishWith(publish: MetadataPublisher): void {
    this.publish = publish;
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
