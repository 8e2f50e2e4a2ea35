import { shardOfInstagramId } from '@platform/ids';

import { InvalidShardKeyError } from './errors.js';
import { hashKey } from './internal/key-hash.js';

const MAX_U64 = (1n << 64n) - 1n;

/**
 * The logical shard of a key, out of `logicalShards`:
 * - a bigint is an Instagram-style id (41-bit ms | 13-bit logical shard | 10-bit sequence), whose
 *   logical shard is read from the id itself, so a read by id needs no lookup;
 * - a string (an email, a username) is {@link hashKey}(key) mod `logicalShards`. Creating a user,
 *   ask id-service for an id on the email's logical shard, and the row and its email land together.
 *
 * An id naming a logical shard at or beyond `logicalShards` was issued for a different map; it is
 * refused with {@link InvalidShardKeyError} rather than folded onto another shard.
 */
export function logicalShardOf(key: bigint | string, logicalShards: number): number {
  if (typeof key === 'string') return hashKey(key) % logicalShards;
  if (key < 0n || key > MAX_U64)
    throw new InvalidShardKeyError(key.toString(), 'an Instagram-style id is an unsigned 64-bit integer');
  const logical = shardOfInstagramId(key);
  if (logical >= logicalShards)
    throw new InvalidShardKeyError(
      key.toString(),
      `its embedded logical shard ${logical} is beyond the ${logicalShards} logical shards of the map`,
    );
  return logical;
}
