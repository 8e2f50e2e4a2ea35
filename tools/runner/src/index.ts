export { SERVICES, serviceSpec, type ServiceSpec } from './catalog.js';
export { Platform, redact, type PlatformOptions } from './platform.js';
export { ServiceProcess } from './service-process.js';
export {
  isAlive,
  readState,
  RunnerAlreadyRunningError,
  type InstanceRecord,
  type PlatformState,
} from './state.js';
export { platformStatus, renderStatus, type InstanceStatus, type PlatformStatus } from './status.js';
