// The platform as `npm start` runs it (the runner's Platform class: PostgreSQL and a Kafka broker on
// free ports in the harness's temp directory, then the services), sized for an experiment: N
// id-service instances and one gateway, rate limiting off and request logging at warn (on 2 shared
// cores, a log line per request costs more than the work itself). Stopped with the harness.
import { freePort } from '@platform/local-infra';
import { Platform } from '@platform/runner';

/**
 * @param {{ log: (message: string) => void, dir: string, onCleanup: (fn: () => unknown) => void }} harness
 * @param {{ idServices: number, serviceEnv?: Record<string, string>, exitExpected?: (id: string) => boolean }} options
 *   `exitExpected`: instances the experiment stops itself (the runner reports every exit it did not cause).
 */
export async function bootPlatform(harness, { idServices, serviceEnv = {}, exitExpected = () => false }) {
  const platform = Platform.create({
    stateDir: harness.dir,
    gatewayPort: await freePort(),
    postgresPort: await freePort(),
    kafkaPort: await freePort(),
    kafkaControllerPort: await freePort(),
    scale: { 'id-service': idServices, 'user-service': 0, 'flags-service': 0, gateway: 1 },
    serviceEnv: { RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'warn', ...serviceEnv },
    onProgress: (message) => harness.log(`platform: ${message}`),
    onUnexpectedExit: (id, code, signal) =>
      exitExpected(id)
        ? undefined
        : harness.log(`!! ${id} exited unexpectedly (code ${code}, signal ${signal})`),
  });
  harness.onCleanup(() => platform.stop());
  await platform.boot();
  return platform;
}
