import type { DynamicModule, Type } from '@nestjs/common';

import { createLogger, type Logger } from '@platform/observability';

import type { BaseEnv } from '../config/base-env.schema.js';
import { ConfigError } from '../config/load-config.js';
import { createServiceApp, type RunningService } from './create-service-app.js';

export interface ServiceDefinition<C extends BaseEnv> {
  readonly name: string;
  /** Reads and validates the environment; the app's `src/config/` does this. */
  readonly readConfig: () => C;
  readonly module: (config: C) => DynamicModule | Type;
}

/**
 * The whole life of a service process, for its `main.ts`: refuse to start on bad config (naming
 * each variable), start, then shut down gracefully on SIGTERM/SIGINT or when the platform runner
 * that started it is gone, and exit. A shutdown that overruns SHUTDOWN_TIMEOUT_MS exits with 1.
 */
export async function startService<C extends BaseEnv>(definition: ServiceDefinition<C>): Promise<void> {
  let config: C;
  try {
    config = definition.readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const logger = createLogger({ service: definition.name, instance: 'unstarted' });
    logger.fatal({ problems: error.problems }, `${definition.name} cannot start: ${error.message}`);
    await flush(logger);
    process.exit(1);
  }

  let running: RunningService;
  try {
    running = await createServiceApp({ name: definition.name, config, module: definition.module });
  } catch (error) {
    const logger = createLogger({ service: definition.name, instance: config.INSTANCE_ID ?? 'unstarted' });
    logger.fatal({ err: error }, `${definition.name} failed to start: ${(error as Error).message}`);
    await flush(logger);
    process.exit(1);
  }
  const { logger } = running.context;

  const stop = (reason: string) => {
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown took too long; exiting');
      void flush(logger).finally(() => process.exit(1));
    }, config.SHUTDOWN_TIMEOUT_MS);
    running
      .shutdown(reason)
      .then(
        () => 0,
        (error: unknown) => {
          logger.error({ err: error }, 'graceful shutdown failed');
          return 1;
        },
      )
      .then(async (code) => {
        clearTimeout(timer);
        await flush(logger);
        process.exit(code);
      })
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    void flush(logger).finally(() => process.exit(1));
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    void flush(logger).finally(() => process.exit(1));
  });
  if (config.PLATFORM_PARENT_PID !== undefined)
    watchParent(config.PLATFORM_PARENT_PID, () => stop('parent exited'));
}

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

function watchParent(pid: number, onGone: () => void): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}
