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
  RegistryView,
  type RegistryViewEvents,
  type RegistryViewOptions,
  type RemovalReason,
} from './registry-view.js';
export {
  ServiceClient,
  type InstanceSource,
  type ServiceClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './service-client.js';
export { toServiceInstance, type ServiceInstance } from './service-instance.js';
