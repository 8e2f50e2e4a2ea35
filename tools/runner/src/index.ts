export {
  POSTGRES_SERVERS,
  SERVICES,
  serviceEnv,
  serviceSpec,
  type DatabaseSpec,
  type PostgresServer,
  type ServiceSpec,
} from './catalog.js';
export { Platform, redact, type PlatformOptions } from './platform.js';
export { ServiceProcess } from './service-process.js';
export {
  isAlive,
  readState,
  RunnerAlreadyRunningError,
  type InstanceRecord,
  type PlatformState,
  type PostgresRecord,
} from './state.js';
export {
  platformStatus,
  renderStatus,
  type InstanceStatus,
  type PlatformStatus,
  type PostgresStatus,
} from './status.js';
