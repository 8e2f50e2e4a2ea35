import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

import { currentRequestContext } from './request-context.js';

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
 * One JSON object per line: time (ISO 8601), level as a word, service, instance, and the request id
 * of the request being served, if any, taken from the request context.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, instance: options.instance },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const context = currentRequestContext();
        return context ? { requestId: context.requestId } : {};
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
