export {
  BREAKER_SETTING_FIELDS,
  type BreakerSettings,
  DEFAULT_BREAKER_SETTINGS,
  MAX_TIMER_MS,
  MAX_WINDOW_CALLS,
  type SettingsProblem,
  type SettingsValidation,
  validateBreakerSettings,
} from './breaker-settings.js';
export {
  type BreakerState,
  type BreakerStats,
  CircuitBreaker,
  type CircuitBreakerEvents,
  type ClosedPermit,
  type CircuitBreakerOptions,
  type FailureReason,
} from './circuit-breaker.js';
export {
  type BreakerIdentity,
  type BreakerKind,
  BreakerRegistry,
  type BreakerRegistryEvent,
  type BreakerRegistryOptions,
  instanceBreakerName,
  type RegisteredBreaker,
  routeBreakerName,
} from './breaker-registry.js';
export {
  BREAKER_METRIC,
  BREAKER_STATE_VALUE,
  CALL_OUTCOMES,
  type CallOutcome,
  registerBreakerMetrics,
} from './breaker-metrics.js';
export {
  BreakerShutdownError,
  CallTimeoutError,
  CircuitOpenError,
  InvalidBreakerSettingsError,
  isBreakerShutdownError,
  isCallTimeoutError,
  isCircuitOpenError,
  isInvalidBreakerSettingsError,
} from './errors.js';
export { anySignal, NEVER_ABORTED } from './signals.js';
