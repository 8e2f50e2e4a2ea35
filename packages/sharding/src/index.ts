export type { Shard, ShardRouter } from './shard-router.js';
export { SingleShardRouter } from './single-shard.router.js';
