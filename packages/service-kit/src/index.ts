export {
  AdminAuthLimiter,
  type AdminAuthLimiterOptions,
  type AdminAuthVerdict,
} from './admin/admin-auth-limiter.js';
export { AdminLockedOutError } from './admin/admin-locked-out.error.js';
export { AdminTokenGuard } from './admin/admin-token.guard.js';
export { ACTOR_HEADER, actorOf, actorSchema } from './admin/actor.js';
export {
  createServiceApp,
  type RunningService,
  type ServiceAppOptions,
} from './bootstrap/create-service-app.js';
export { startService, type ServiceDefinition } from './bootstrap/start-service.js';
export { type RegisteredRoute } from './bootstrap/registered-routes.js';
export { baseEnvSchema, withDefaultPort, type BaseEnv } from './config/base-env.schema.js';
export { boolVar, hostPortListVar, intVar, nameVar, portVar, postgresUrlVar } from './config/env-vars.js';
export { ConfigError, loadConfig } from './config/load-config.js';
export { snapshotDirVar, snapshotFileOf } from './config/snapshot-dir.var.js';
export { instanceWeightVar, MAX_INSTANCE_WEIGHT, MIN_INSTANCE_WEIGHT } from './config/instance-weight.var.js';
export {
  CODE_BY_STATUS,
  sendError,
  STATUS_BY_KIND,
  toErrorResponse,
  type ErrorBody,
  type ErrorResponse,
} from './errors/error-response.js';
export {
  isPlatformError,
  isValidationError,
  PlatformError,
  UnauthenticatedError,
  ValidationError,
  ERROR_KINDS,
  type ErrorKind,
  type PlatformErrorShape,
  type FieldProblem,
} from './errors/platform-error.js';
export { PlatformExceptionFilter } from './errors/platform-exception.filter.js';
export { errorBodySchema } from './errors/error-body.schema.js';
export { FORWARDED_PREFIX_HEADER, pathAsSent } from './errors/request-path.js';
export { NotJsonBodyError } from './bootstrap/json-bodies.js';
export {
  ReadinessRegistry,
  type ReadinessCheck,
  type ReadinessCheckOptions,
  type ReadinessResult,
  type RegisteredCheck,
} from './health/readiness.registry.js';
export { ServiceKitModule } from './service-kit.module.js';
export { ServiceContext } from './service-context.js';
export { ZodPipe } from './validation/zod.pipe.js';
export { injectFaults } from './faults/fault-hook.js';
export { FaultInjector, type InjectedFault } from './faults/fault-injector.js';
export { faultSettingsSchema, type FaultSettings } from './faults/fault-settings.js';
export { FaultsDisabledError } from './faults/faults.controller.js';
export { ApiDocument } from './openapi/api-document.js';
export { ADMIN_TOKEN_SCHEME, openApiPath } from './openapi/openapi-builder.js';
export {
  HTTP_METHODS,
  OPENAPI_VERSION,
  openApiDocumentSchema,
  type HttpMethod,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type PathItem,
  type Response as OpenApiResponse,
} from './openapi/openapi-document.js';
export { Accepts, Answers, Fails, Summary } from './openapi/route-doc.js';
