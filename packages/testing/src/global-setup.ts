import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  freePort,
  startKafka,
  startPostgres,
  type LocalKafka,
  type LocalPostgres,
} from '@platform/local-infra';

import { TEST_INFRA_ENV, type TestInfra } from './test-infra.js';

export interface StartedTestInfra {
  readonly infra: TestInfra;
  readonly stop: () => Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL and Kafka on free ports, in a temporary directory that is removed
 * on stop. Used once per test run.
 */
export async function startTestInfra(onProgress?: (message: string) => void): Promise<StartedTestInfra> {
  // Mode 700; as root, startPostgres lets the postgres user pass through it to the data directory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-'));
  let postgres: LocalPostgres | undefined;
  let kafka: LocalKafka | undefined;
  const stop = async () => {
    await Promise.allSettled([postgres?.stop(), kafka?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Both start at once; if one fails, the other is still stopped (hence allSettled, not all).
    const [pg, kf] = await Promise.allSettled([
      startPostgres({
        dataDir: path.join(dir, 'postgres'),
        port: await freePort(),
        logFile: path.join(dir, 'postgres.log'),
        persistent: false,
        unsafeFast: true,
        onProgress,
      }),
      startKafka({
        dataDir: path.join(dir, 'kafka'),
        port: await freePort(),
        controllerPort: await freePort(),
        logFile: path.join(dir, 'kafka.log'),
        persistent: false,
        onProgress,
      }),
    ]);
    if (pg.status === 'fulfilled') postgres = pg.value;
    if (kf.status === 'fulfilled') kafka = kf.value;
    if (pg.status === 'rejected') throw pg.reason;
    if (kf.status === 'rejected') throw kf.reason;
    return { infra: { postgresUrl: pg.value.url(), kafkaBrokers: kf.value.brokers }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const STOP = Symbol.for('platform.testing.stopInfra');

/** Jest global setup: reuse the run's infrastructure if `npm test` started it, else start it. */
export default async function globalSetup(): Promise<void> {
  if (process.env[TEST_INFRA_ENV]) return;
  const started = await startTestInfra();
  process.env[TEST_INFRA_ENV] = JSON.stringify(started.infra);
  (globalThis as Record<symbol, unknown>)[STOP] = started.stop;
}

export async function globalTeardown(): Promise<void> {
  const stop = (globalThis as Record<symbol, unknown>)[STOP] as (() => Promise<void>) | undefined;
  if (stop) {
    delete process.env[TEST_INFRA_ENV];
    await stop();
  }
}
