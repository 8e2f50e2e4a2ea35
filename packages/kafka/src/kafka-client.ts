import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

import type { Logger } from '@platform/observability';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** How long to keep trying to reach a broker before an operation fails; kafkajs' own default is long. */
  readonly connectionTimeoutMs?: number;
  readonly retry?: KafkaConfig['retry'];
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose log lines go through the service's JSON logger (at warn and above). */
export function createKafka(options: KafkaClientOptions): Kafka {
  const logger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: options.retry ?? { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        // The Connection namespace reports every error response, retried ones included (a group
        // coordinator still being elected at start-up); the layers above report real failures.
        const name = namespace === 'Connection' ? 'debug' : (LEVEL_NAMES[level] ?? 'info');
        logger[name]({ namespace, ...extra }, message);
      },
  });
}
