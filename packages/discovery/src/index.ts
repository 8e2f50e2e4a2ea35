export {
  isNoInstancesError,
  NoInstancesError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from './errors.js';
export {
  INSTANCE_RECORD_VERSION,
  instanceRecordSchema,
  parseRegistryMessage,
  type InstanceRecord,
  type InvalidReason,
  type ParsedMessage,
} from './instance-record.js';
export { DiscoveryModule } from './nest/discovery.module.js';
export {
  discoveryOptionsFrom,
  RETRY_SAFE_METADATA_KEY,
  ROUTES_METADATA_KEY,
  type DiscoveryModuleOptions,
} from './nest/discovery.options.js';
export { RegistrationMetadata } from './nest/registration-metadata.js';
export { RegistryAnnouncer, type Announcement, type RegistryAnnouncerOptions } from './registry-announcer.js';
export { REGISTRY_METRIC, registerRegistryMetrics } from './registry-metrics.js';
export {
  readRegistrySnapshot,
  REGISTRY_SNAPSHOT_FORMAT,
  RegistrySnapshot,
  type RegistrySnapshotContents,
  type RegistrySnapshotOptions,
  type RegistrySnapshotRead,
} from './registry-snapshot.js';
export {
  RegistryView,
  type RegistryViewEvents,
  type RegistryViewOptions,
  type RemovalReason,
} from './registry-view.js';
export { classify, isIdempotent, type FailureKind } from './client/failures.js';
export { CallerGaveUp, judgeAnswer, sparingCallerAborts, type AnswerVerdict } from './client/whose-fault.js';
export { HealthProber, type HealthProberOptions } from './client/health-prober.js';
export { OutlierDetector, type Ejection, type OutlierSettings } from './client/outlier-detector.js';
export { RetryBudget, type RetryBudgetOptions } from './client/retry-budget.js';
export {
  DEFAULT_RESOLVED_POLICY,
  ServiceClient,
  type AttemptEvent,
  type ClientEvent,
  type InstanceSource,
  type ResolvedPolicy,
  type ServiceClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './client/service-client.js';
export {
  DEFAULT_UPSTREAM_POLICY,
  upstreamPolicySchema,
  type UpstreamPolicy,
} from './client/upstream-policy.js';
export { Liveness, type LivenessOptions } from './liveness.js';
export { toInstanceRecord, toServiceInstance, type ServiceInstance } from './service-instance.js';
