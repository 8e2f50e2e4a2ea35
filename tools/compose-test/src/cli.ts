#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

import { freePort, REPO_ROOT } from '@platform/local-infra';

import { ensureBaseImage } from './base-image.js';
import { run } from './command.js';
import { HealthChecks } from './health-checks.js';
import { buildAppImage, buildLocalImages } from './local-images.js';
import { composeOverride, type ComposeOverride, type ComposeService } from './override.js';
import { PodmanApi, podmanEnv } from './podman.js';
import { ComposeProject, isEmpty } from './project.js';
import { waitHealthy } from './wait-healthy.js';

/**
 * npm run test:compose: docker-compose.yml booted for real (docs/docker-compose.md says what it
 * proves and how long each part takes). `-- --build-only` builds the images and stops there: CI
 * runs that beside npm test, so that the boot after it finds every image built.
 */
const PROJECT = 'platform-compose-test';
/** The host ports docker-compose.yml and docker-compose.host-ports.yml publish, by variable. */
const PUBLISHED_PORTS = [
  'GATEWAY_PORT',
  'PROMETHEUS_PORT',
  'GRAFANA_PORT',
  'KAFKA_1_HOST_PORT',
  'KAFKA_2_HOST_PORT',
  'KAFKA_3_HOST_PORT',
  'POSTGRES_HOST_PORT',
];
/** docker-compose.yml's default, which the run keeps (POSTGRES_PASSWORD unset). */
const DEV_POSTGRES_PASSWORD = 'dev-only-postgres-password';
const started = Date.now();

function log(message: string): void {
  process.stdout.write(
    `[compose-test ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );
}

async function requireCommand(command: string, install: string): Promise<void> {
  const found = await run('sh', ['-c', `command -v ${command}`]);
  if (found.code !== 0) throw new Error(`npm run test:compose needs ${command}: ${install}`);
}

/** Every image the topology runs: the stand-ins, then each app's with the project's Dockerfile. */
async function buildImages(): Promise<ComposeOverride> {
  if (await ensureBaseImage(log)) log('base image made');
  const images = await buildLocalImages(log);
  const composeFile = parse(fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, ComposeService> };
  const override = composeOverride(
    composeFile.services,
    images,
    (app) => `localhost/${PROJECT}-${app}:latest`,
  );
  for (const [service, { app, image }] of override.apps) {
    log(`building ${service} with infra/docker/service.Dockerfile (APP=${app}, on ${images.node})`);
    await buildAppImage(app, image, images.node);
  }
  return override;
}

interface Options {
  /** Build the images and stop. */
  readonly buildOnly: boolean;
  /** Boot with docker-compose.one-broker.yml, and run only the suite's checks of the boot. */
  readonly oneBroker: boolean;
}

async function main({ buildOnly, oneBroker }: Options): Promise<number> {
  await requireCommand('podman', 'apt-get install podman runc');
  if (buildOnly) {
    await buildImages();
    log('images built (--build-only)');
    return 0;
  }
  await requireCommand('docker-compose', 'apt-get install docker-compose');
  const api = await PodmanApi.start();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-compose-test-'));
  try {
    const override = await buildImages();
    for (const [service, why] of override.notBooted) log(`not booted: ${service} (${why})`);
    const overrideFile = path.join(scratch, 'docker-compose.local-images.yml');
    fs.writeFileSync(overrideFile, stringify({ services: override.services }));

    // Every published port a free one on 127.0.0.1, so that the run collides with nothing.
    const ports: Record<string, string> = {};
    for (const name of PUBLISHED_PORTS) {
      let port: string;
      do port = String(await freePort());
      while (Object.values(ports).includes(port));
      ports[name] = port;
    }
    const adminToken = randomBytes(16).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...ports,
      DOCKER_HOST: api.dockerHost,
      COMPOSE_HTTP_TIMEOUT: '300',
      ADMIN_TOKEN: adminToken,
      PUBLISH_ADDRESS: '127.0.0.1',
      KAFKA_ADVERTISED_HOST: '127.0.0.1',
    };
    delete env['COMPOSE_PROJECT_NAME'];
    delete env['POSTGRES_PASSWORD'];
    delete env['COMPOSE_FILE'];
    if (oneBroker) env['REGISTRY_REPLICATION_FACTOR'] = '1';
    else delete env['REGISTRY_REPLICATION_FACTOR'];
    const files = ['docker-compose.yml', 'docker-compose.host-ports.yml'];
    if (oneBroker) files.push('docker-compose.one-broker.yml');
    log(`files: ${files.join(', ')}`);
    const project = new ComposeProject(PROJECT, [...files, overrideFile], env);
    await project.removeLeftovers(await project.leftovers());

    const health = new HealthChecks(PROJECT).start();
    let failed = true;
    try {
      log('docker-compose up -d');
      await project.compose(['up', '--detach', '--no-build']);
      const containers = await waitHealthy(project, 300_000);
      log(`${containers.length} containers up and healthy`);
      // One broker: the checks of the boot; the host-port and fault tests are about three.
      const only = oneBroker ? ['--testNamePattern', '^docker-compose.yml, booted'] : [];
      const suite = await runTopologySuite(only, {
        ...env,
        COMPOSE_TEST_PROJECT: PROJECT,
        COMPOSE_TEST_GATEWAY_URL: `http://127.0.0.1:${ports['GATEWAY_PORT']}`,
        COMPOSE_TEST_PROMETHEUS_URL: `http://127.0.0.1:${ports['PROMETHEUS_PORT']}`,
        COMPOSE_TEST_KAFKA_BROKERS: ['KAFKA_1_HOST_PORT', 'KAFKA_2_HOST_PORT', 'KAFKA_3_HOST_PORT']
          .map((name) => `127.0.0.1:${ports[name]}`)
          .join(','),
        COMPOSE_TEST_POSTGRES_URL: `postgres://platform:${DEV_POSTGRES_PASSWORD}@127.0.0.1:${ports['POSTGRES_HOST_PORT']}/postgres`,
        COMPOSE_TEST_ADMIN_TOKEN: adminToken,
      });
      failed = suite !== 0;
      if (failed) await printDiagnostics(project);
    } catch (error) {
      log(`failed: ${(error as Error).message}`);
      await printDiagnostics(project);
    } finally {
      // 10 s to stop before SIGKILL: the run proves the boot, not a graceful stop (npm start's tests do).
      log('docker-compose down --volumes --remove-orphans --timeout 10');
      const down = await project.compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']).then(
        () => undefined,
        (error: Error) => error,
      );
      await health.stop();
      if (down) log(`docker-compose down failed: ${down.message}`);
      const leftovers = await project.leftovers();
      if (isEmpty(leftovers)) log('teardown left no container, volume or network');
      else {
        failed = true;
        log(`teardown left ${JSON.stringify(leftovers)}; removing them`);
        await project.removeLeftovers(leftovers);
      }
    }
    log(failed ? 'FAILED' : 'passed');
    return failed ? 1 : 0;
  } finally {
    await api.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function runTopologySuite(jestArgs: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  log('the topology suite (tools/compose-test/test) against the published gateway');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npm',
      ['run', 'test:topology', '--workspace=@platform/compose-test', '--silent', '--', ...jestArgs],
      {
        cwd: REPO_ROOT,
        env,
        stdio: 'inherit',
      },
    );
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function printDiagnostics(project: ComposeProject): Promise<void> {
  const containers = await project.containers().catch(() => []);
  for (const container of containers) {
    log(`  ${container.name}: ${container.status}${container.health ? ` (${container.health})` : ''}`);
  }
  // The ones in trouble, and the gateway: what the suite's requests went through.
  const telling = containers.filter(
    (c) => c.status !== 'running' || c.health === 'unhealthy' || c.service === 'gateway',
  );
  for (const container of telling) {
    const logs = await run('podman', ['logs', '--tail', '25', container.id], { env: podmanEnv() });
    log(`  last lines of ${container.name}:\n${(logs.stdout + logs.stderr).trim()}`);
  }
}

const FLAGS = ['--build-only', '--one-broker'];
const args = process.argv.slice(2);
const unknown = args.filter((arg) => !FLAGS.includes(arg));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown argument ${unknown.join(' ')}; usage: npm run test:compose [-- --build-only | --one-broker]\n`,
  );
  process.exit(2);
}
main({ buildOnly: args.includes('--build-only'), oneBroker: args.includes('--one-broker') }).then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`failed: ${error.message}`);
    process.exit(1);
  },
);
