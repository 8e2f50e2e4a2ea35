import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

import { currentRequestContext, type RequestContext } from './request-context.js';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  /** Service name, on every line as `service`. */
  readonly service: string;
  /** Instance id, on every line as `instance`. */
  readonly instance: string;
  readonly level?: LevelWithSilent;
  /** Where lines go; standard output by default. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/**
 * One JSON object per line: time (ISO 8601), level as a word, service, instance, and for a line
 * written while serving a request (taken from the request context) its `requestId`, `traceId`,
 * `spanId` and, when the request continued a trace, `parentSpanId`.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, instance: options.instance },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A fresh object each time: pino merges the line's own fields into it.
      mixin: () => {
        const context = currentRequestContext();
        return context ? requestFields(context) : {};
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** The fields that tie a log line to its request and its trace, in every service alike. */
export interface RequestLogFields {
  requestId: string;
  traceId: string;
  spanId: string;
  /** Undefined at the start of a trace; pino leaves undefined fields out of the line. */
  parentSpanId: string | undefined;
}

function requestFields(context: RequestContext): RequestLogFields {
  const { trace } = context;
  return {
    requestId: context.requestId,
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentSpanId,
  };
}
