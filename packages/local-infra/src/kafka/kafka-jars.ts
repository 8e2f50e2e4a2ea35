import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { KAFKA_INFRA_DIR } from '../paths.js';

const POM = path.join(KAFKA_INFRA_DIR, 'pom.xml');
export const KAFKA_LIB_DIR = path.join(KAFKA_INFRA_DIR, 'lib');
const STAMP = '.pom-sha256';

/** The Kafka version the pom pins, e.g. `3.9.1`. */
export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${POM}`);
  return match[1];
}

function pomDigest(): string {
  return createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

/** True when infra/kafka/lib holds the jars of the current pom. */
export function kafkaJarsPresent(): boolean {
  try {
    return fs.readFileSync(path.join(KAFKA_LIB_DIR, STAMP), 'utf8') === pomDigest();
  } catch {
    return false;
  }
}

/**
 * Copies the broker's jars from Maven Central (through `mvn`, which caches them in ~/.m2) into
 * infra/kafka/lib, once per pom version. Safe when several processes try at once: each fetches
 * into its own directory and the first to finish renames it into place.
 */
export async function ensureKafkaJars(onProgress?: (message: string) => void): Promise<string> {
  if (kafkaJarsPresent()) return KAFKA_LIB_DIR;
  onProgress?.(`fetching Kafka ${kafkaVersion()} jars from Maven Central (first start only)`);
  const staging = `${KAFKA_LIB_DIR}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  await run('mvn', [
    '-q',
    '-B',
    '-f',
    POM,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`,
    '-DincludeScope=runtime',
  ]);
  fs.writeFileSync(path.join(staging, STAMP), pomDigest());
  if (kafkaJarsPresent()) {
    fs.rmSync(staging, { recursive: true, force: true });
  } else {
    fs.rmSync(KAFKA_LIB_DIR, { recursive: true, force: true });
    fs.renameSync(staging, KAFKA_LIB_DIR);
  }
  return KAFKA_LIB_DIR;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(`\`${command}\` is not installed; it fetches the Kafka broker from Maven Central`)
          : error,
      ),
    );
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${output.trim()}`)),
    );
  });
}
