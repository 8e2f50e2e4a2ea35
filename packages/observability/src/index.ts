export { BoundHistogram, type BoundHistogramOptions, type HistogramSeries } from './bound-histogram.js';
export {
  instrumentFastify,
  UNMATCHED_ROUTE,
  type InstrumentationOptions,
} from './fastify-instrumentation.js';
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type RequestLogFields,
} from './logger.js';
export {
  createMetricsRegistry,
  httpServerDuration,
  LATENCY_BUCKETS_SECONDS,
  METRIC,
  type HttpServerDuration,
} from './metrics.js';
export {
  acceptOrCreateRequestId,
  createRequestContext,
  currentRequestContext,
  enterRequestContext,
  REQUEST_ID_HEADER,
  runWithRequestContext,
  type RequestContext,
} from './request-context.js';
export {
  acceptTracestate,
  continueOrStartTrace,
  formatTraceparent,
  parseTraceparent,
  TRACEPARENT_HEADER,
  TRACERESPONSE_HEADER,
  TRACESTATE_HEADER,
  type TraceContext,
  type TraceParent,
} from './trace-context.js';
export { newSpanId, newTraceId } from './trace-ids.js';
export {
  countsAgainstUpstream,
  DEPENDENCY_ORIGIN,
  FAILURE_ORIGIN_HEADER,
  isDependencyFailure,
  type FailureOrigin,
} from './failure-origin.js';
