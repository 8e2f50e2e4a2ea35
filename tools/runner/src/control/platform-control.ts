import { GATEWAY_SERVICE, SERVICES } from '../catalog.js';
import type { InstanceRelease } from '../platform.js';
import type { ServiceProcess } from '../service-process.js';
import {
  INFRA_NAMES,
  STABLE_TRACK,
  type InfraActionView,
  type InfraName,
  type InfraView,
  type InstanceView,
  type RestartedInstanceView,
  type ServiceVersionView,
  type StartedInstanceView,
  type StartInstancesRequest,
  type StoppedInstanceView,
} from './control-api.js';
import {
  GatewayNotReleasableError,
  InstanceStartError,
  LastInstanceError,
  PlatformStoppingError,
  UnknownInfraError,
  UnknownInstanceError,
  UnknownServiceError,
} from './control.errors.js';
import type { ControlTarget } from './control-server.js';

/** What the control API needs of an instance: a ServiceProcess, or a fake in tests. */
export type ControlledInstance = Pick<
  ServiceProcess,
  | 'service'
  | 'instanceId'
  | 'version'
  | 'track'
  | 'pid'
  | 'port'
  | 'url'
  | 'running'
  | 'state'
  | 'spawnedAt'
  | 'readyAt'
  | 'stop'
  | 'whenExited'
> & { readonly options: { readonly logFile: string } };

/** What the control API needs of the platform: a Platform, or a fake in tests. */
export interface ControlledPlatform {
  readonly instances: readonly ControlledInstance[];
  readonly isStopping: boolean;
  currentVersion(service: string): string;
  setCurrentVersion(service: string, version: string): void;
  startInstances(service: string, release: InstanceRelease, count: number): Promise<ControlledInstance[]>;
  /** The infrastructure this runner started (none of what POSTGRES_URL or KAFKA_BROKERS name). */
  infrastructure(): readonly InfraView[];
  stopInfrastructure(name: InfraName): Promise<void>;
  startInfrastructure(name: InfraName): Promise<void>;
}

/**
 * The control API's rules over a running Platform: which services may be released, that a
 * service always keeps one ready instance, and what a new instance's version defaults to.
 */
export class PlatformControl implements ControlTarget {
  constructor(
    private readonly platform: ControlledPlatform,
    private readonly progress: (message: string) => void,
  ) {}

  instances(): InstanceView[] {
    return this.platform.instances.filter((instance) => instance.running).map(view);
  }

  services(): ServiceVersionView[] {
    return SERVICES.map((spec) => ({ service: spec.name, version: this.platform.currentVersion(spec.name) }));
  }

  async startInstances(request: StartInstancesRequest): Promise<StartedInstanceView[]> {
    const service = this.releasable(request.service, 'releasing it');
    if (this.platform.isStopping) throw new PlatformStoppingError();
    const version = request.version ?? this.platform.currentVersion(service);
    const track = request.track ?? STABLE_TRACK;
    this.progress(
      `starting ${request.count} more ${service} instance(s) at ${version} (${track}) on request`,
    );
    let started: ControlledInstance[];
    try {
      started = await this.platform.startInstances(service, { version, track }, request.count);
    } catch (error) {
      throw new InstanceStartError(service, version, error);
    }
    return started.map((instance) => ({
      ...view(instance),
      readyInMs: (instance.readyAt ?? Date.now()) - instance.spawnedAt,
    }));
  }

  /** Graceful: the instance announces `draining`, keeps serving a while, finishes in-flight requests. */
  async stopInstance(instanceId: string): Promise<StoppedInstanceView> {
    const instance = this.platform.instances.find((i) => i.instanceId === instanceId && i.running);
    if (!instance) throw new UnknownInstanceError(instanceId);
    this.releasable(instance.service, 'stopping its instances');
    const othersReady = this.platform.instances.some(
      (other) =>
        other !== instance && other.service === instance.service && other.running && other.state === 'ready',
    );
    if (instance.state === 'ready' && !othersReady) throw new LastInstanceError(instanceId, instance.service);
    const before = view(instance);
    const started = Date.now();
    if (instance.state === 'stopping') {
      await instance.whenExited(); // a second SIGTERM would cut its graceful shutdown short
    } else {
      this.progress(`stopping ${instanceId} (${instance.version}, ${instance.track}) gracefully on request`);
      await instance.stop();
    }
    return { instance: { ...before, state: 'stopping' }, stoppedInMs: Date.now() - started };
  }

  /**
   * Stops `instanceId` gracefully if it still runs (a killed one has already exited) and starts
   * one more of its service at the same version and track: what a supervisor does after a crash.
   */
  async restartInstance(instanceId: string): Promise<RestartedInstanceView> {
    const instance = this.platform.instances.findLast((i) => i.instanceId === instanceId);
    if (!instance) throw new UnknownInstanceError(instanceId);
    const service = this.releasable(instance.service, 'stopping its instances');
    if (this.platform.isStopping) throw new PlatformStoppingError();
    const stopped = view(instance);
    if (instance.running) {
      this.progress(`restarting ${instanceId}: stopping it gracefully on request`);
      await instance.stop();
    } else {
      this.progress(`restarting ${instanceId}, which had exited, on request`);
    }
    const [started] = await this.startInstances({
      service,
      version: instance.version,
      track: instance.track,
      count: 1,
    });
    return { stopped: { ...stopped, state: 'stopping' }, started: started! };
  }

  infrastructure(): readonly InfraView[] {
    return this.platform.infrastructure();
  }

  /** Stops a PostgreSQL server or the Kafka broker (cleanly); the services see it go away. */
  async stopInfrastructure(name: string): Promise<InfraActionView> {
    return this.infraAction(name, 'stop', (known) => this.platform.stopInfrastructure(known));
  }

  /** Starts it again on the same port, with the same data. */
  async startInfrastructure(name: string): Promise<InfraActionView> {
    if (this.platform.isStopping) throw new PlatformStoppingError();
    return this.infraAction(name, 'start', (known) => this.platform.startInfrastructure(known));
  }

  private async infraAction(
    name: string,
    action: 'stop' | 'start',
    act: (name: InfraName) => Promise<void>,
  ): Promise<InfraActionView> {
    const known = this.platform.infrastructure().map((infra) => infra.name);
    const found = INFRA_NAMES.find((candidate) => candidate === name && known.includes(candidate));
    if (!found) throw new UnknownInfraError(name, known);
    this.progress(`${action === 'stop' ? 'stopping' : 'starting'} ${found} on request`);
    const started = Date.now();
    await act(found);
    const infrastructure = this.platform.infrastructure().find((infra) => infra.name === found)!;
    return { infrastructure, tookMs: Date.now() - started };
  }

  setVersion(service: string, version: string): ServiceVersionView {
    const name = this.releasable(service, 'releasing it');
    this.platform.setCurrentVersion(name, version);
    this.progress(`${name}: new instances now start at ${version}`);
    return { service: name, version };
  }

  /** The service's name, if it exists and is not the gateway. */
  private releasable(service: string, action: 'releasing it' | 'stopping its instances'): string {
    if (!SERVICES.some((spec) => spec.name === service)) {
      throw new UnknownServiceError(
        service,
        SERVICES.map((spec) => spec.name),
      );
    }
    if (service === GATEWAY_SERVICE) throw new GatewayNotReleasableError(action);
    return service;
  }
}

function view(instance: ControlledInstance): InstanceView {
  return {
    service: instance.service,
    instanceId: instance.instanceId,
    version: instance.version,
    track: instance.track,
    pid: instance.pid,
    port: instance.port,
    url: instance.url,
    state: instance.state === 'exited' ? 'stopping' : instance.state,
    logFile: instance.options.logFile,
  };
}
