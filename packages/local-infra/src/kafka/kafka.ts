import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startHost } from '../host-process.js';
import { isPortFree } from '../ports.js';

export interface KafkaHostConfig {
  readonly dataDir: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly logFile: string;
  readonly heapMb: number;
  readonly persistent: boolean;
  readonly stopTimeoutMs: number;
}

export interface StartKafkaOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly logFile: string;
  /** Keep topics between starts (npm start) or delete them on stop (tests). */
  readonly persistent?: boolean;
  readonly heapMb?: number;
  readonly onProgress?: (message: string) => void;
}

export interface LocalKafka {
  readonly pid: number;
  readonly brokers: readonly string[];
  readonly version: string;
  stop(): Promise<void>;
}

/** Starts a real single-node KRaft Kafka broker (Java), in a host process of its own. */
export async function startKafka(options: StartKafkaOptions): Promise<LocalKafka> {
  for (const port of [options.port, options.controllerPort]) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} is already in use, so the Kafka broker cannot listen there. ` +
          'Stop whatever holds it, choose other ports, or point the platform at a running cluster with KAFKA_BROKERS.',
      );
    }
  }
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const config: KafkaHostConfig = {
    dataDir: options.dataDir,
    port: options.port,
    controllerPort: options.controllerPort,
    logFile: options.logFile,
    heapMb: options.heapMb ?? 512,
    persistent: options.persistent ?? true,
    stopTimeoutMs: 30_000,
  };
  const host = await startHost({
    what: 'Kafka',
    script: fileURLToPath(new URL('./kafka.host.js', import.meta.url)),
    config,
    // The first start also downloads the broker from Maven Central.
    readyTimeoutMs: 300_000,
    onProgress: options.onProgress,
  });
  return {
    pid: host.pid,
    brokers: [`127.0.0.1:${options.port}`],
    version: String(host.details['version']),
    stop: () => host.stop(40_000),
  };
}
