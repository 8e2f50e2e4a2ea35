import { Injectable } from '@nestjs/common';

import { ServiceClient } from '@platform/discovery';

import { IdServiceError } from './user.errors.js';

/** New ids from id-service, found through the registry like any other caller would. */
@Injectable()
export class IdClient {
  constructor(private readonly services: ServiceClient) {}

  /** An Instagram-style id carrying `logicalShard`, so the user's row and its id agree on a shard. */
  async nextId(logicalShard: number): Promise<bigint> {
    const { status, body } = await this.services.json<{ ids?: unknown; error?: { message?: string } }>(
      'id-service',
      {
        method: 'POST',
        path: `/ids/instagram?count=1&shard=${logicalShard}`,
        // An id that was issued but never used costs nothing, so asking again is safe.
        idempotent: true,
      },
    );
    const id: unknown = Array.isArray(body.ids) ? body.ids[0] : undefined;
    if (status !== 200 || typeof id !== 'string' || !/^\d+$/.test(id)) {
      throw new IdServiceError(status, body.error?.message ?? 'unexpected response');
    }
    return BigInt(id);
  }
}
