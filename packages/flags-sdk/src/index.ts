export {
  FlagsClient,
  type ChangeDetails,
  type FlagEvaluation,
  type FlagNotFound,
  type FlagsClientEvents,
  type FlagsClientOptions,
} from './flags-client.js';
export {
  checkFlagRecord,
  DEFAULT_FLAGS_TOPIC,
  FLAG_RECORD_VERSION,
  messageKeyOf,
  parseFlagMessage,
  type DefinitionKind,
  type DefinitionRecord,
  type FlagRecord,
  type InvalidReason,
  type ParsedRecord,
} from './flag-record.js';
export { FlagStore, type AppliedChange, type ApplyResult, type HeldVersion } from './flag-store.js';
export {
  readSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  writeSnapshot,
  type SnapshotContents,
  type SnapshotRead,
} from './snapshot-file.js';
export {
  PlatformFlagsProvider,
  type PlatformFlagsProviderOptions,
} from './openfeature/platform-flags.provider.js';
export { toPlatformContext } from './openfeature/openfeature-mapping.js';
export { FlagsModule, flagsOptionsFrom, type FlagsModuleOptions } from './nest/flags.module.js';
export { FLAGS_METRIC, registerFlagsMetrics } from './flags-metrics.js';
