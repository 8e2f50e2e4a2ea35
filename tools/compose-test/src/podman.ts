import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { mustRun, run, type CommandOptions } from './command.js';

/**
 * podman's settings for this run (infra/local-images/containers.conf): runc, cgroupfs and explicit
 * ulimits, which a root podman in a container or CI needs. Set for every podman command and for
 * the API service, never written to /etc.
 */
export const CONTAINERS_CONF = path.join(REPO_ROOT, 'infra/local-images/containers.conf');

/** The environment of every podman command of the run. */
export function podmanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF, ...extra };
}

/** `podman …` with the run's settings; throws on a non-zero exit. */
export function podman(args: readonly string[], options: CommandOptions = {}): Promise<string> {
  return mustRun('podman', args, { ...options, env: podmanEnv(options.env) });
}

/**
 * The containers `podman ps` lists with these arguments (filters, `--all`), each inspected with the
 * tab-separated Go template `fields`: one array of field values per container.
 */
export async function inspectContainers(
  psArgs: readonly string[],
  fields: readonly string[],
): Promise<string[][]> {
  const ids = (await podman(['ps', '--quiet', '--no-trunc', ...psArgs])).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const lines = (await podman(['inspect', '--format', fields.join('\t'), ...ids]))
    .split('\n')
    .filter(Boolean);
  return lines.map((line) => line.split('\t'));
}

export async function imageExists(image: string): Promise<boolean> {
  return (await run('podman', ['image', 'exists', image], { env: podmanEnv() })).code === 0;
}

/**
 * `podman system service`: podman's Docker-compatible API on a Unix socket of its own, for
 * docker-compose to talk to (DOCKER_HOST). Started for the run and stopped after it.
 */
export class PodmanApi {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly socket: string,
  ) {}

  get dockerHost(): string {
    return `unix://${this.socket}`;
  }

  static async start(): Promise<PodmanApi> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-podman-'));
    const socket = path.join(dir, 'podman.sock');
    const log = fs.openSync(path.join(dir, 'service.log'), 'a');
    const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
      env: podmanEnv(),
      stdio: ['ignore', log, log],
    });
    const api = new PodmanApi(child, dir, socket);
    const started = Date.now();
    while (!(await api.pings())) {
      if (child.exitCode !== null || Date.now() - started > 15_000) {
        const output = fs.readFileSync(path.join(dir, 'service.log'), 'utf8').trim().split('\n').slice(-5);
        await api.stop();
        throw new Error(`podman system service did not answer on ${socket}:\n${output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return api;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private pings(): Promise<boolean> {
    return new Promise((resolve) => {
      const request = http.get({ socketPath: this.socket, path: '/_ping', timeout: 1_000 }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.once('error', () => resolve(false));
      request.once('timeout', () => request.destroy());
    });
  }
}
