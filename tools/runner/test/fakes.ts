import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { InfraName, InfraView } from '../src/control/control-api.js';
import type { ControlledInstance, ControlledPlatform } from '../src/control/platform-control.js';
import type { InstanceRelease } from '../src/platform.js';
import {
  DEFAULT_ANALYSIS,
  RELEASE_RECORD_VERSION,
  type Release,
  type ReleasePhase,
  type ReleaseRequest,
} from '../src/release/gateway-client.js';

/**
 * Stand-ins for the two things a release drives, for tests that need neither processes nor a
 * gateway: a platform whose instances are objects, and a gateway that keeps release records and
 * lists every running instance as up, the way the real ones behave from outside.
 */

export class FakeInstance implements ControlledInstance {
  running = true;
  state: 'starting' | 'ready' | 'stopping' | 'exited' = 'ready';
  readonly spawnedAt = Date.now() - 1_500;
  readyAt: number | undefined = Date.now();
  readonly pid = 4242;
  readonly options = { logFile: '/tmp/fake.log' };

  constructor(
    readonly service: string,
    readonly instanceId: string,
    readonly version = '0.1.0',
    readonly track = 'stable',
    readonly port = 3201,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.state = 'exited';
    this.running = false;
    return Promise.resolve();
  }

  whenExited(): Promise<void> {
    return Promise.resolve();
  }
}

/** Records what it was asked to start; `failStarts` makes some starts fail as a crash would. */
export class FakePlatform implements ControlledPlatform {
  readonly instances: FakeInstance[] = [];
  readonly isStopping = false;
  readonly starts: { service: string; release: InstanceRelease; count: number }[] = [];
  /** Which starts fail (1 is the first start request). */
  readonly failStarts = new Set<number>();
  private readonly versions = new Map<string, string>();
  /** What the runner started: both PostgreSQL servers and Kafka, all running. */
  readonly infra = new Map<InfraName, InfraView>(
    (['postgres-a', 'postgres-b', 'kafka'] as const).map((name, i) => [
      name,
      { name, pid: 5000 + i, address: `127.0.0.1:${5433 + i}`, state: 'running' },
    ]),
  );

  constructor(counts: Record<string, number> = { gateway: 1, 'user-service': 2 }) {
    for (const [service, count] of Object.entries(counts)) {
      for (let i = 0; i < count; i++) this.add(service, '0.1.0', 'stable');
    }
  }

  running(service: string): FakeInstance[] {
    return this.instances.filter((instance) => instance.service === service && instance.running);
  }

  currentVersion(service: string): string {
    return this.versions.get(service) ?? '0.1.0';
  }

  setCurrentVersion(service: string, version: string): void {
    this.versions.set(service, version);
  }

  startInstances(service: string, release: InstanceRelease, count: number): Promise<FakeInstance[]> {
    this.starts.push({ service, release, count });
    if (this.failStarts.has(this.starts.length)) {
      const next = this.instances.filter((instance) => instance.service === service).length + 1;
      return Promise.reject(new Error(`${service}-${next} exited while starting`));
    }
    return Promise.resolve(
      Array.from({ length: count }, () => this.add(service, release.version, release.track)),
    );
  }

  infrastructure(): InfraView[] {
    return [...this.infra.values()];
  }

  stopInfrastructure(name: InfraName): Promise<void> {
    this.infra.set(name, { ...this.infra.get(name)!, pid: null, state: 'stopped' });
    return Promise.resolve();
  }

  startInfrastructure(name: InfraName): Promise<void> {
    this.infra.set(name, { ...this.infra.get(name)!, pid: 6000, state: 'running' });
    return Promise.resolve();
  }

  private add(service: string, version: string, track: string): FakeInstance {
    const index = this.instances.filter((instance) => instance.service === service).length + 1;
    const instance = new FakeInstance(
      service,
      `${service}-${index}`,
      version,
      track,
      3200 + this.instances.length,
    );
    this.instances.push(instance);
    return instance;
  }
}

/** The gateway's release and registry admin API, as the release command's contract describes it. */
export class FakeGateway {
  readonly releases = new Map<string, Release>();
  /** Refuse the next release with this message (409), as for a candidate the gateway cannot see. */
  refuse: string | undefined;
  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  private started = 0;

  constructor(private readonly platform: FakePlatform) {}

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** What the gateway's analysis (or another admin) would do to a release. */
  end(service: string, phase: ReleasePhase, reason: string): void {
    this.update(service, phase, phase === 'promoted' ? 100 : 0, reason);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const [, admin, collection, service, action] = (request.url ?? '').split('/');
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    const error = (status: number, message: string) => answer(status, { error: { code: 'x', message } });
    if (admin !== 'admin') return error(404, 'not found');
    if (collection === 'registry') {
      const services: Record<string, unknown[]> = {};
      for (const i of this.platform.instances.filter((instance) => instance.running)) {
        (services[i.service] ??= []).push({ instanceId: i.instanceId, version: i.version, status: 'up' });
      }
      return answer(200, { services });
    }
    if (collection !== 'releases') return error(404, 'not found');
    if (service === undefined) return answer(200, { releases: [...this.releases.values()] });
    const release = this.releases.get(service);
    if (request.method === 'GET')
      return release ? answer(200, release) : error(404, `${service} has no release`);
    if (request.method === 'PUT') {
      const put = JSON.parse(body) as ReleaseRequest;
      if (release?.phase === 'progressing') return error(409, `a release of ${service} is in progress`);
      if (this.refuse) return error(409, this.refuse);
      const live = this.platform.running(service).some((i) => i.version === put.candidate);
      if (put.strategy !== 'rolling' && !live)
        return error(409, `no live instance of ${service} at ${put.candidate}`);
      const steps = put.steps ?? [10, 25, 50, 100];
      const weight = put.strategy === 'blue-green' ? 100 : put.strategy === 'canary' ? steps[0]! : 0;
      const now = new Date(Date.now() + this.started++).toISOString();
      const created: Release = {
        v: RELEASE_RECORD_VERSION,
        coordinator: 'gateway-fake',
        service,
        strategy: put.strategy,
        stable: put.stable,
        candidate: put.candidate,
        phase: 'progressing',
        weight,
        steps,
        analysis: { ...DEFAULT_ANALYSIS, ...put.analysis },
        lastAnalysis: null,
        history: [{ at: now, phase: 'progressing', weight, reason: 'started' }],
        revision: 1,
        startedAt: now,
        updatedAt: now,
      };
      this.releases.set(service, created);
      return answer(201, created);
    }
    if (!release) return error(404, `${service} has no release`);
    if (release.phase !== 'progressing') return error(409, `the release of ${service} has ended`);
    if (action === 'promote')
      return answer(200, this.update(service, 'promoted', 100, 'promoted by an admin'));
    if (action === 'abort') return answer(200, this.update(service, 'aborted', 0, 'aborted by an admin'));
    return error(404, 'not found');
  }

  private update(service: string, phase: ReleasePhase, weight: number, reason: string): Release {
    const release = this.releases.get(service)!;
    const at = new Date().toISOString();
    const next: Release = {
      ...release,
      phase,
      weight,
      history: [...release.history, { at, phase, weight, reason }],
      revision: release.revision + 1,
      updatedAt: at,
    };
    this.releases.set(service, next);
    return next;
  }
}
