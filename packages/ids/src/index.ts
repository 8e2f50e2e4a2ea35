export { systemClock, type Clock } from './clock.js';
export { ClockMovedBackwardsError, isClockMovedBackwardsError, TimestampOverflowError } from './errors.js';
export {
  SnowflakeGenerator,
  type SnowflakeGeneratorOptions,
  type SnowflakeStats,
} from './snowflake.generator.js';
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
