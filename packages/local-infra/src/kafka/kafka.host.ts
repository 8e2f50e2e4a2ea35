/**
 * Host process for one single-node KRaft Kafka broker running on Java from the jars in
 * infra/kafka/lib. Formats the storage on first use, starts the broker, waits until a kafkajs
 * client can use it, reports `ready`, and stops the broker on SIGTERM/SIGINT or when its parent
 * disappears. Started by {@link startKafka}; not meant to be run by hand.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { emit, watchParent } from '../host-protocol.js';
import { log4jProperties, serverProperties } from './kafka-config.js';
import { ensureKafkaJars, kafkaVersion } from './kafka-jars.js';
import type { KafkaHostConfig } from './kafka.js';

const config = JSON.parse(process.argv[2] ?? '{}') as KafkaHostConfig;
let broker: ChildProcess | undefined;
let stopping = false;

function java(): string {
  return process.env['JAVA_HOME'] ? path.join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
}

function classpath(libDir: string): string {
  return `${libDir}/*`;
}

/**
 * A Kafka cluster id: 16 random bytes in base64url. One in 64 starts with '-', which kafka-storage then
 * takes for an option and refuses, so draw again in that case.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function format(libDir: string, propertiesFile: string, log4jFile: string): void {
  if (fs.existsSync(path.join(config.dataDir, 'logs', 'meta.properties'))) return;
  emit({ event: 'progress', message: `formatting Kafka storage in ${config.dataDir}` });
  const clusterId = newClusterId();
  const result = spawnSync(
    java(),
    [
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      classpath(libDir),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propertiesFile,
    ],
    { encoding: 'utf8' },
  );
  if (result.error) {
    throw new Error(`could not run Java (${java()}): ${result.error.message}. Kafka needs Java 17 or newer.`);
  }
  if (result.status !== 0) throw new Error(`kafka-storage format failed: ${result.stderr || result.stdout}`);
}

async function waitUntilUsable(): Promise<void> {
  const kafka = new Kafka({
    clientId: 'local-infra-probe',
    brokers: [`127.0.0.1:${config.port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  const started = Date.now();
  let lastReport = started;
  for (;;) {
    if (broker && broker.exitCode !== null)
      throw new Error(`the broker exited (code ${broker?.exitCode}); see ${config.logFile}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.controller !== null && cluster.brokers.length > 0) return;
    } catch {
      // not yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      emit({
        event: 'progress',
        message: `waiting for Kafka to accept clients (${Math.round((lastReport - started) / 1000)} s)`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  const libDir = await ensureKafkaJars((message) => emit({ event: 'progress', message }));
  fs.mkdirSync(config.dataDir, { recursive: true });
  const propertiesFile = path.join(config.dataDir, 'server.properties');
  const log4jFile = path.join(config.dataDir, 'log4j.properties');
  fs.writeFileSync(
    propertiesFile,
    serverProperties({
      port: config.port,
      controllerPort: config.controllerPort,
      logDirs: path.join(config.dataDir, 'logs'),
    }),
  );
  fs.writeFileSync(log4jFile, log4jProperties(config.logFile));
  format(libDir, propertiesFile, log4jFile);

  emit({ event: 'progress', message: `starting Kafka ${kafkaVersion()} on 127.0.0.1:${config.port}` });
  broker = spawn(
    java(),
    [
      `-Xms${Math.min(256, config.heapMb)}m`,
      `-Xmx${config.heapMb}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      classpath(libDir),
      'kafka.Kafka',
      propertiesFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  broker.stderr!.pipe(fs.createWriteStream(config.logFile, { flags: 'a' }));
  broker.once('exit', (code, signal) => {
    if (!stopping) {
      emit({ event: 'failed', message: `the broker exited unexpectedly (code ${code}, signal ${signal})` });
      process.exit(1);
    }
  });
  await waitUntilUsable();
  emit({ event: 'ready', details: { port: config.port, version: kafkaVersion() } });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const child = broker;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM'); // a controlled shutdown
    const timer = setTimeout(() => child.kill('SIGKILL'), config.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }
  if (!config.persistent) fs.rmSync(config.dataDir, { recursive: true, force: true });
  process.exit(0);
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop());
watchParent(() => void stop());

main().catch((error: unknown) => {
  emit({ event: 'failed', message: error instanceof Error ? error.message : String(error) });
  void stop();
});
