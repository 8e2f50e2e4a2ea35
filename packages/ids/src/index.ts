export { systemClock, type Clock } from './clock.js';
export { ClockMovedBackwardsError, isClockMovedBackwardsError, TimestampOverflowError } from './errors.js';
export { InstagramGenerator, type InstagramGeneratorOptions } from './instagram.generator.js';
export {
  decodeInstagram,
  encodeInstagram,
  INSTAGRAM_LAYOUT,
  INSTAGRAM_MAX_SEQUENCE,
  INSTAGRAM_MAX_SHARD,
  shardOfInstagramId,
  type InstagramParts,
} from './instagram.layout.js';
export {
  MillisecondSequence,
  type MillisecondSequenceOptions,
  type SequenceStats,
} from './millisecond-sequence.js';
export {
  decodeObjectId,
  encodeObjectId,
  ObjectIdGenerator,
  type ObjectIdGeneratorOptions,
  type ObjectIdParts,
} from './objectid.js';
export { secureRandomBytes, type RandomBytes } from './random-bytes.js';
export { SnowflakeGenerator, type SnowflakeGeneratorOptions } from './snowflake.generator.js';
export {
  decodeSnowflake,
  DEFAULT_SNOWFLAKE_LAYOUT,
  encodeSnowflake,
  maxValue,
  SNOWFLAKE_EPOCH_MS,
  validateSnowflakeLayout,
  type SnowflakeLayout,
  type SnowflakeParts,
} from './snowflake.layout.js';
export { decodeUlid, encodeUlid, UlidGenerator, type UlidGeneratorOptions, type UlidParts } from './ulid.js';
export {
  decodeUuidV7,
  encodeUuidV7,
  UuidV7Generator,
  type UuidV7GeneratorOptions,
  type UuidV7Parts,
} from './uuidv7.js';
