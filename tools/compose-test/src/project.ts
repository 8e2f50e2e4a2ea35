import { REPO_ROOT } from '@platform/local-infra';

import { mustRun } from './command.js';
import { inspectContainers, podman } from './podman.js';

export interface ContainerState {
  readonly id: string;
  readonly name: string;
  /** docker-compose's service name. */
  readonly service: string;
  /** running, exited, … */
  readonly status: string;
  /** healthy, unhealthy, starting; '' without a health check. */
  readonly health: string;
}

/** What a project left behind on the engine: its containers, volumes and networks. */
export interface Leftovers {
  readonly containers: readonly string[];
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
}

/** One docker-compose project (`-p name -f … -f …`) on the engine at DOCKER_HOST. */
export class ComposeProject {
  constructor(
    readonly name: string,
    private readonly files: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  compose(args: readonly string[], echo = false): Promise<string> {
    return mustRun(
      'docker-compose',
      ['-p', this.name, ...this.files.flatMap((file) => ['-f', file]), ...args],
      {
        cwd: REPO_ROOT,
        env: this.env,
        echo,
      },
    );
  }

  async containers(): Promise<ContainerState[]> {
    const rows = await inspectContainers(
      ['--all', '--filter', this.label()],
      [
        '{{.Id}}',
        '{{.Name}}',
        '{{index .Config.Labels "com.docker.compose.service"}}',
        '{{.State.Status}}',
        '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
      ],
    );
    return rows.map(([id = '', name = '', service = '', status = '', health = '']) => ({
      id,
      name,
      service,
      status,
      health,
    }));
  }

  /** Its containers, volumes and networks still on the engine. */
  async leftovers(): Promise<Leftovers> {
    const list = async (args: string[]) => (await podman(args)).split('\n').filter(Boolean);
    return {
      containers: await list(['ps', '--all', '--format', '{{.Names}}', '--filter', this.label()]),
      volumes: await list(['volume', 'ls', '--quiet', '--filter', this.label()]),
      networks: (await list(['network', 'ls', '--format', '{{.Name}}'])).filter((network) =>
        network.startsWith(`${this.name}_`),
      ),
    };
  }

  /** Removes whatever `leftovers()` found, so that a failed teardown does not stay on the machine. */
  async removeLeftovers(leftovers: Leftovers): Promise<void> {
    if (leftovers.containers.length > 0) await podman(['rm', '--force', ...leftovers.containers]);
    if (leftovers.volumes.length > 0) await podman(['volume', 'rm', '--force', ...leftovers.volumes]);
    if (leftovers.networks.length > 0) await podman(['network', 'rm', '--force', ...leftovers.networks]);
  }

  private label(): string {
    return `label=com.docker.compose.project=${this.name}`;
  }
}

export function isEmpty(leftovers: Leftovers): boolean {
  return leftovers.containers.length + leftovers.volumes.length + leftovers.networks.length === 0;
}
