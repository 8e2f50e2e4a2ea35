import { Injectable } from '@nestjs/common';

/**
 * Labels this instance announces in the registry besides its address, version and zone. Modules
 * add theirs while the app initialises (id-service: its leased worker id); they are published
 * with the first heartbeat, after the server listens.
 */
@Injectable()
export class RegistrationMetadata {
  private readonly values = new Map<string, string>();

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
