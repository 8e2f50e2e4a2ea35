export {
  instrumentFastify,
  UNMATCHED_ROUTE,
  type InstrumentationOptions,
} from './fastify-instrumentation.js';
export { createLogger, LOG_LEVELS, type Logger, type LoggerOptions } from './logger.js';
export {
  createMetricsRegistry,
  httpServerDuration,
  LATENCY_BUCKETS_SECONDS,
  METRIC,
  type HttpServerDuration,
} from './metrics.js';
export {
  acceptOrCreateRequestId,
  currentRequestContext,
  enterRequestContext,
  REQUEST_ID_HEADER,
  runWithRequestContext,
  type RequestContext,
} from './request-context.js';
