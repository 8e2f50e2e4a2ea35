export {
  GATEWAY_SERVICE,
  CatalogError,
  platformFactsSchema,
  POSTGRES_SERVERS,
  readCatalog,
  SERVICES,
  specFromFacts,
  TERMINAL_COLOURS,
  serviceEnv,
  serviceSpec,
  type DatabaseSpec,
  type PlatformFacts,
  type PostgresServer,
  type ServiceSpec,
} from './catalog.js';
export { withComposeParts } from './compose/compose-file.js';
export { composeParts, type ComposeParts } from './compose/compose-services.js';
export {
  DEFAULT_SERVICE_VERSION,
  INFRA_NAMES,
  RELEASE_NAME_PATTERN,
  STABLE_TRACK,
  type InfraActionView,
  type InfraName,
  type InfraView,
  type InstanceView,
  type RestartedInstanceView,
  type ServiceVersionView,
  type StartedInstanceView,
  type StartInstancesRequest,
  type StoppedInstanceView,
} from './control/control-api.js';
export { ControlClient } from './control/control-client.js';
export { ControlServer, type ControlTarget } from './control/control-server.js';
export { ApiError, ApiUnreachableError } from './http-json.js';
export {
  findPrometheus,
  startPrometheus,
  type LocalPrometheus,
  type StartPrometheusOptions,
} from './monitoring/local-prometheus.js';
export { type PlatformPrometheusOptions } from './monitoring/platform-prometheus.js';
export {
  PROMETHEUS_RULES_DIR,
  PROMETHEUS_TEMPLATE,
  renderPrometheusConfig,
  type PrometheusConfigValues,
} from './monitoring/prometheus-config.js';
export { Platform, redact, type InstanceRelease, type PlatformOptions } from './platform.js';
export {
  GatewayClient,
  type Release,
  type ReleasePhase,
  type ReleaseRequest,
  type ReleaseStrategy,
} from './release/gateway-client.js';
export { parseReleaseArgs, type ReleaseCommand } from './release/release-args.js';
export { planReconcile, type ReconcilePlan } from './release/release-plan.js';
export { ServiceProcess } from './service-process.js';
export {
  isAlive,
  readState,
  RunnerAlreadyRunningError,
  type InstanceRecord,
  type PlatformState,
  type PostgresRecord,
  type PrometheusRecord,
} from './state.js';
export {
  platformStatus,
  renderStatus,
  type InstanceStatus,
  type PlatformStatus,
  type PostgresStatus,
  type PrometheusStatus,
} from './status.js';
