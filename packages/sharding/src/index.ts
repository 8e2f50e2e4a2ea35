export type { Shard, ShardLocator, ShardRouter } from './shard-router.js';
export {
  InvalidShardKeyError,
  InvalidShardMapError,
  InvalidShardRangesError,
  isInvalidShardKeyError,
  isInvalidShardMapError,
  isInvalidShardRangesError,
  isKeyNotInDirectoryError,
  isKeyOutOfRangeError,
  isUnknownShardError,
  KeyNotInDirectoryError,
  KeyOutOfRangeError,
  UnknownShardError,
} from './errors.js';

export { SingleShardRouter } from './single-shard.router.js';
export { RangeShardRouter, type RangeRouterOptions, type ShardRange } from './range.router.js';
export { ModuloShardRouter } from './modulo.router.js';
export { DirectoryShardRouter, type DirectoryRouterOptions } from './directory.router.js';
export type { ShardDirectory } from './shard-directory.js';
export { InMemoryShardDirectory } from './in-memory.directory.js';

export {
  DEFAULT_LOGICAL_SHARDS,
  MAX_LOGICAL_SHARDS,
  ShardMap,
  type LogicalAssignment,
  type ShardMapSpec,
} from './shard-map.js';
export { planDoubling, type DoublingPlan } from './doubling.plan.js';
export { logicalShardOf } from './logical-shard-key.js';
export { LogicalShardRouter } from './logical-shard.router.js';
export { hashKey } from './internal/key-hash.js';
