import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  ensureDatabase,
  isPortFree,
  portFrom,
  startKafka,
  startPostgres,
  type LocalKafka,
  type LocalPostgres,
} from '@platform/local-infra';

import {
  GATEWAY_SERVICE,
  POSTGRES_SERVERS,
  SERVICES,
  serviceEnv,
  serviceSpec,
  type PostgresServer,
  type ServiceSpec,
} from './catalog.js';
import {
  DEFAULT_SERVICE_VERSION,
  RELEASE_NAME_PATTERN,
  STABLE_TRACK,
  type InfraName,
  type InfraView,
} from './control/control-api.js';
import { ControlServer } from './control/control-server.js';
import { waitUntilGatewayLists } from './gateway-listing.js';
import { GatewayClient } from './release/gateway-client.js';
import { PlatformControl } from './control/platform-control.js';
import { PlatformPrometheus, type PlatformPrometheusOptions } from './monitoring/platform-prometheus.js';
import {
  fleetOf,
  fleetRecordFile,
  groupsToStart,
  readFleetRecord,
  writeFleetRecord,
  type FleetRecord,
} from './release/fleet-record.js';
import { ServiceProcess } from './service-process.js';
import {
  acquireRunnerLock,
  statePaths,
  writeState,
  type PlatformState,
  type PrometheusRecord,
} from './state.js';

export interface PlatformOptions {
  /** Where data, logs, the lock and the status file live (`.platform/` in the repository). */
  readonly stateDir: string;
  readonly gatewayPort: number;
  /** Instances per service; services not named get their default count. */
  readonly scale?: Readonly<Record<string, number>>;
  /** INSTANCE_WEIGHT by instance id (`--weight id-service-2=5`): its weight for weighted round robin. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Use this PostgreSQL server (an admin connection string) for every database instead of starting two. */
  readonly postgresUrl?: string;
  /** Server a's port; server b takes the next free one above it. */
  readonly postgresPort: number;
  /** Use these brokers instead of starting one. */
  readonly kafkaBrokers?: readonly string[];
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly adminToken?: string;
  /**
   * The version every service starts at (SERVICE_VERSION). Without it, each service starts at the
   * version its last release left it at (`<stateDir>/releases.json`), else 0.1.0.
   */
  readonly serviceVersion?: string;
  /** Extra environment for every service (e.g. shorter registry TTLs in tests). */
  readonly serviceEnv?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
  readonly onServiceLine?: (instanceId: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** A service process that exits while the platform runs (not during shutdown). */
  readonly onUnexpectedExit?: (instanceId: string, code: number | null, signal: string | null) => void;
  /** Also run Prometheus, if its binary is on PATH, scraping every instance (`npm start` does). */
  readonly prometheus?: PlatformPrometheusOptions;
}

/** The version and track an instance is started with. */
export interface InstanceRelease {
  readonly version: string;
  readonly track: string;
}

/**
 * The whole platform on this machine: two PostgreSQL servers and Kafka (started here unless
 * existing ones are given), then every service instance as its own process, then the control API
 * that releases use, then (optionally) Prometheus. `stop()` takes it down in order: the control API,
 * Prometheus, services (gracefully), Kafka, PostgreSQL.
 */
export class Platform {
  readonly instances: ServiceProcess[] = [];
  readonly adminToken: string;
  /** The PostgreSQL servers started here (none when POSTGRES_URL is given). */
  private readonly postgres = new Map<PostgresServer, LocalPostgres>();
  private kafka: LocalKafka | undefined;
  /** The port of each server started here, kept while the control API has it stopped. */
  private readonly postgresPorts = new Map<PostgresServer, number>();
  private kafkaManaged = false;
  /** An admin connection string per server; with POSTGRES_URL, both are that server. */
  private postgresUrls: Record<PostgresServer, string> = { a: '', b: '' };
  private brokers: readonly string[] = [];
  private releaseLock: (() => void) | undefined;
  private stopping = false;
  private readonly counters = new Map<string, number>();
  private readonly takenPorts = new Set<number>();
  private readonly startedAt = new Date().toISOString();
  /** Per service, the version new instances get unless a release says otherwise. */
  private readonly versions = new Map<string, string>();
  /** What ran when the platform last changed (releases.json): what boot() starts again. */
  private readonly fleet: FleetRecord;
  /** Every instance boot() started is ready: from now on each change is written to releases.json. */
  private booted = false;
  /** Spawns one at a time, so that two starts never pick the same free port. */
  private spawning: Promise<unknown> = Promise.resolve();
  private control: ControlServer | undefined;
  /** Started last, once the gateway can list the instances; awaited by stop() if still starting. */
  private prometheus: Promise<PlatformPrometheus> | undefined;
  private prometheusRecord: PrometheusRecord | undefined;

  private constructor(private readonly options: PlatformOptions) {
    this.adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
    // What the service would read itself: serviceEnv wins over the runner's own environment.
    const chosen = options.serviceEnv?.['SERVICE_VERSION'] ?? options.serviceVersion;
    this.fleet = readFleetRecord(options.stateDir, (message) => this.progress(message));
    for (const spec of SERVICES) {
      const recorded = this.fleet[spec.name]?.version;
      this.versions.set(spec.name, chosen ?? recorded ?? DEFAULT_SERVICE_VERSION);
    }
  }

  private infraStarting: Promise<unknown> = Promise.resolve();

  /**
   * Takes the runner lock (one runner per state directory) and returns a platform that has not
   * started anything yet; {@link boot} starts it. Separate so a Ctrl-C during boot can stop it.
   */
  static create(options: PlatformOptions): Platform {
    validateScale(options.scale ?? {});
    validateVersion(options.serviceEnv?.['SERVICE_VERSION'] ?? options.serviceVersion);
    const platform = new Platform(options);
    platform.releaseLock = acquireRunnerLock(options.stateDir);
    return platform;
  }

  /** Creates and boots a platform; on failure stops whatever had started. */
  static async start(options: PlatformOptions): Promise<Platform> {
    const platform = Platform.create(options);
    try {
      await platform.boot();
      return platform;
    } catch (error) {
      await platform.stop();
      throw error;
    }
  }

  private get progress(): (message: string) => void {
    return this.options.onProgress ?? (() => undefined);
  }

  async boot(): Promise<void> {
    const { stateDir } = this.options;
    const paths = statePaths(stateDir);
    fs.mkdirSync(paths.logs, { recursive: true });
    fs.mkdirSync(paths.data, { recursive: true });
    if (!(await isPortFree(this.options.gatewayPort))) {
      throw new Error(
        `port ${this.options.gatewayPort} is already in use, so the gateway cannot listen there; ` +
          'stop what holds it or choose another port with --gateway-port',
      );
    }
    this.takenPorts.add(this.options.gatewayPort);
    const infra = Promise.allSettled([this.startPostgres(), this.startKafka()]);
    this.infraStarting = infra;
    throwFirstFailure(await infra);
    if (this.stopping) throw new Error('stopped while starting');
    for (const { server, name } of SERVICES.flatMap((s) => s.databases))
      await ensureDatabase(this.postgresUrls[server], name);

    const spawned: ServiceProcess[] = [];
    for (const spec of SERVICES) {
      const count = this.options.scale?.[spec.name] ?? spec.defaultCount;
      const recorded = this.fleet[spec.name];
      const groups = groupsToStart(
        { version: this.currentVersion(spec.name), others: recorded?.others ?? [] },
        count,
      );
      this.sayRecordedVersions(spec.name, groups);
      for (const group of groups) {
        for (let i = 0; i < group.count; i++) {
          if (this.stopping) throw new Error('stopped while starting');
          spawned.push(await this.spawn(spec, group));
        }
      }
    }
    await this.waitReady(spawned);
    await this.waitUntilRoutable(spawned);
    this.booted = true;
    this.control = new ControlServer(new PlatformControl(this, this.progress), this.adminToken);
    this.progress(`control API on ${await this.control.listen()} (npm run release uses it)`);
    if (this.options.prometheus && !this.stopping) {
      this.prometheus = PlatformPrometheus.start({
        stateDir,
        gatewayUrl: `http://127.0.0.1:${this.options.gatewayPort}`,
        adminToken: this.adminToken,
        settings: this.options.prometheus,
        takenPorts: this.takenPorts,
        searchPath: process.env['PATH'],
        progress: this.progress,
      });
      this.prometheusRecord = (await this.prometheus).record();
    }
    this.saveState();
  }

  /** Servers a and b in parallel; if one fails, the other still comes up, so that stop() stops it. */
  private async startPostgres(): Promise<void> {
    if (this.options.postgresUrl) {
      const url = this.options.postgresUrl;
      this.postgresUrls = { a: url, b: url };
      this.progress(
        `using the PostgreSQL server at ${redact(url)} for every database, user shards included ` +
          '(without POSTGRES_URL, the shards alternate between two embedded servers)',
      );
      return;
    }
    const { postgresPort, kafkaPort, kafkaControllerPort } = this.options;
    if (!(await isPortFree(postgresPort))) {
      throw new Error(
        `port ${postgresPort} is already in use, so PostgreSQL server a cannot listen there; stop what ` +
          'holds it, choose another port with --postgres-port, or put every database on an existing ' +
          'server with POSTGRES_URL',
      );
    }
    // Server b takes the next free port above a's, but not one Kafka is about to listen on.
    for (const port of [postgresPort, kafkaPort, kafkaControllerPort]) this.takenPorts.add(port);
    const portB = await portFrom(postgresPort + 1, this.takenPorts);
    this.takenPorts.add(portB);
    throwFirstFailure(
      await Promise.allSettled([
        this.startPostgresServer('a', postgresPort),
        this.startPostgresServer('b', portB),
      ]),
    );
  }

  /** One embedded server; its data directory and log file are `postgres` (a) or `postgres-b`. */
  private async startPostgresServer(server: PostgresServer, port: number): Promise<void> {
    const dir = statePaths(this.options.stateDir);
    const baseName = server === 'a' ? 'postgres' : `postgres-${server}`;
    this.postgresPorts.set(server, port);
    const postgres = await startPostgres({
      dataDir: path.join(dir.data, baseName),
      port,
      logFile: path.join(dir.logs, `${baseName}.log`),
      persistent: true,
      onProgress: (message) => this.progress(`postgres-${server}: ${message}`),
    });
    this.postgres.set(server, postgres);
    this.postgresUrls[server] = postgres.url();
    this.progress(`postgres-${server}: ready on 127.0.0.1:${postgres.port} (PostgreSQL ${postgres.version})`);
  }

  private async startKafka(): Promise<void> {
    if (this.options.kafkaBrokers) {
      this.brokers = this.options.kafkaBrokers;
      this.progress(`using the Kafka brokers at ${this.brokers.join(',')}`);
      return;
    }
    const dir = statePaths(this.options.stateDir);
    this.kafkaManaged = true;
    this.kafka = await startKafka({
      dataDir: path.join(dir.data, 'kafka'),
      port: this.options.kafkaPort,
      controllerPort: this.options.kafkaControllerPort,
      logFile: path.join(dir.logs, 'kafka.log'),
      persistent: true,
      onProgress: (message) => this.progress(`kafka: ${message}`),
    });
    this.brokers = this.kafka.brokers;
    this.progress(`kafka: ready on ${this.brokers.join(',')} (Kafka ${this.kafka.version})`);
  }

  /** Starts one more instance of `service` (also while the platform runs) and waits until it is ready. */
  async startInstance(service: string): Promise<ServiceProcess> {
    const [instance] = await this.startInstances(service, this.stableRelease(service), 1);
    return instance!;
  }

  /**
   * Starts `count` instances of `service` at `release` while the platform runs and waits until all
   * are ready. All or nothing: if one fails, the others started here are stopped again.
   */
  async startInstances(service: string, release: InstanceRelease, count: number): Promise<ServiceProcess[]> {
    const spec = serviceSpec(service);
    const started: ServiceProcess[] = [];
    try {
      for (let i = 0; i < count; i++) started.push(await this.spawn(spec, release));
      await this.waitReady(started);
    } catch (error) {
      await Promise.all(started.map((instance) => instance.stop()));
      throw error;
    } finally {
      if (!this.stopping) this.saveState();
    }
    return started;
  }

  /** Says when a service starts at what its last release left running rather than the default. */
  private sayRecordedVersions(service: string, groups: readonly InstanceRelease[]): void {
    const chosen = this.options.serviceEnv?.['SERVICE_VERSION'] ?? this.options.serviceVersion;
    const base = chosen ?? DEFAULT_SERVICE_VERSION;
    const recorded = groups.filter((group) => group.version !== base || group.track !== STABLE_TRACK);
    if (recorded.length === 0) return;
    this.progress(
      `${service}: starting ${recorded.map((group) => `${group.version} (${group.track})`).join(' and ')}, ` +
        `as its last release left it (${fleetRecordFile(this.options.stateDir)})`,
    );
  }

  /** The version new instances of `service` get unless a release says otherwise. */
  currentVersion(service: string): string {
    return this.versions.get(serviceSpec(service).name)!;
  }

  /** A release was promoted: from now on `service` starts at `version` (`--scale`-style starts too). */
  setCurrentVersion(service: string, version: string): void {
    this.versions.set(serviceSpec(service).name, version);
    if (!this.stopping) this.saveState();
  }

  /** The PostgreSQL servers and the Kafka broker started here, running or stopped by the control API. */
  infrastructure(): InfraView[] {
    const views: InfraView[] = [];
    for (const [server, port] of this.postgresPorts) {
      const pid = this.postgres.get(server)?.pid ?? null;
      const state = pid === null ? 'stopped' : 'running';
      views.push({ name: `postgres-${server}`, pid, address: `127.0.0.1:${port}`, state });
    }
    if (this.kafkaManaged) {
      const pid = this.kafka?.pid ?? null;
      const address = `127.0.0.1:${this.options.kafkaPort}`;
      views.push({ name: 'kafka', pid, address, state: pid === null ? 'stopped' : 'running' });
    }
    return views;
  }

  /** Stops a server started here (cleanly, as Ctrl-C would) while the services keep running. */
  async stopInfrastructure(name: InfraName): Promise<void> {
    if (name === 'kafka') {
      const kafka = this.kafka;
      this.kafka = undefined;
      await kafka?.stop();
    } else {
      const server = postgresServerOf(name);
      const postgres = this.postgres.get(server);
      this.postgres.delete(server);
      await postgres?.stop();
    }
    if (!this.stopping) this.saveState();
  }

  /** Starts a server stopped by {@link stopInfrastructure} again, on the same port with the same data. */
  async startInfrastructure(name: InfraName): Promise<void> {
    if (name === 'kafka') {
      if (!this.kafka) await this.startKafka();
    } else {
      const server = postgresServerOf(name);
      const port = this.postgresPorts.get(server);
      if (port !== undefined && !this.postgres.has(server)) await this.startPostgresServer(server, port);
    }
    if (!this.stopping) this.saveState();
  }

  /** Stopping (or stopped): it starts nothing new. */
  get isStopping(): boolean {
    return this.stopping;
  }

  private stableRelease(service: string): InstanceRelease {
    return { version: this.currentVersion(service), track: STABLE_TRACK };
  }

  private spawn(spec: ServiceSpec, release: InstanceRelease): Promise<ServiceProcess> {
    const next = this.spawning.then(() => this.spawnNow(spec, release));
    this.spawning = next.catch(() => undefined);
    return next;
  }

  private async spawnNow(spec: ServiceSpec, release: InstanceRelease): Promise<ServiceProcess> {
    if (this.stopping) throw new Error('stopped while starting');
    const index = (this.counters.get(spec.name) ?? 0) + 1;
    this.counters.set(spec.name, index);
    const instanceId = `${spec.name}-${index}`;
    const port =
      spec.name === GATEWAY_SERVICE && index === 1
        ? this.options.gatewayPort
        : await portFrom(spec.basePort, this.takenPorts);
    this.takenPorts.add(port);
    const instance = new ServiceProcess({
      spec,
      instanceId,
      port,
      version: release.version,
      track: release.track,
      logFile: path.join(statePaths(this.options.stateDir).logs, `${instanceId}.log`),
      env: {
        PORT: String(port),
        INSTANCE_ID: instanceId,
        KAFKA_BROKERS: this.brokers.join(','),
        // Its last known flags and registry, for a restart while Kafka is out of reach.
        SNAPSHOT_DIR: path.join(statePaths(this.options.stateDir).data, 'snapshots', instanceId),
        ADMIN_TOKEN: this.adminToken,
        PLATFORM_PARENT_PID: String(process.pid),
        ...serviceEnv(spec, this.postgresUrls),
        ...this.options.serviceEnv,
        ...weightEnv(this.options.weights?.[instanceId]),
      },
      onLine: this.options.onServiceLine,
      onExit: (exited, code, signal) => {
        if (!this.stopping && !exited.stopRequested)
          this.options.onUnexpectedExit?.(exited.instanceId, code, signal);
        if (!this.stopping) this.saveState();
      },
    });
    this.instances.push(instance);
    return instance;
  }

  /**
   * Ready instances have announced themselves, but the gateway's view gets the announcement a moment
   * later: until then it answers no_instances. "Platform up" waits until it lists every one, so the
   * first request a user sends is routed.
   */
  private async waitUntilRoutable(instances: readonly ServiceProcess[]): Promise<void> {
    const expected = new Map<string, string[]>();
    for (const instance of instances) {
      if (instance.service === GATEWAY_SERVICE) continue;
      expected.set(instance.service, [...(expected.get(instance.service) ?? []), instance.instanceId]);
    }
    const missing = await waitUntilGatewayLists({
      gateway: new GatewayClient(`http://127.0.0.1:${this.options.gatewayPort}`, this.adminToken),
      expected,
      timeoutMs: 15_000,
    });
    if (missing.length > 0)
      this.progress(
        `the gateway does not list ${missing.join(', ')} yet; requests to them may answer 503 for now`,
      );
  }

  private async waitReady(instances: ServiceProcess[]): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 90_000;
    const started = Date.now();
    const ticker = setInterval(() => {
      const waiting = instances.filter((i) => i.state !== 'ready').map((i) => i.instanceId);
      if (waiting.length > 0) {
        this.progress(
          `waiting for ${waiting.join(', ')} to be ready (${Math.round((Date.now() - started) / 1000)} s)`,
        );
      }
    }, 3_000);
    try {
      await Promise.all(instances.map((instance) => instance.waitReady(timeoutMs)));
    } finally {
      clearInterval(ticker);
    }
  }

  state(): PlatformState {
    return {
      runnerPid: process.pid,
      startedAt: this.startedAt,
      adminToken: this.adminToken,
      gatewayUrl: `http://127.0.0.1:${this.options.gatewayPort}`,
      ...(this.control ? { controlUrl: this.control.url } : {}),
      versions: Object.fromEntries(this.versions),
      infrastructure: {
        postgres: POSTGRES_SERVERS.map((name) => {
          const local = this.postgres.get(name);
          return {
            name,
            // The local servers' password is a fixed development one; an external server's is not shown.
            url: this.postgresPorts.has(name) ? this.postgresUrls[name] : redact(this.postgresUrls[name]),
            pid: local?.pid ?? null,
            managed: this.postgresPorts.has(name),
          };
        }),
        kafka: { brokers: this.brokers, pid: this.kafka?.pid ?? null, managed: this.kafkaManaged },
        ...(this.prometheusRecord ? { prometheus: this.prometheusRecord } : {}),
      },
      instances: this.instances
        .filter((i) => i.state !== 'exited')
        .map((i) => ({
          service: i.service,
          instanceId: i.instanceId,
          version: i.version,
          track: i.track,
          pid: i.pid,
          port: i.port,
          url: i.url,
          logFile: i.options.logFile,
        })),
    };
  }

  /** The status file; once booted, also what runs (releases.json), for the next start. */
  private saveState(): void {
    const state = this.state();
    writeState(this.options.stateDir, state);
    if (this.booted && !this.stopping)
      writeFleetRecord(this.options.stateDir, fleetOf(this.versions, state.instances));
  }

  /**
   * The control API first (no release may start instances now), then Prometheus (so that it does not
   * alert on services going away), then services (gracefully, in parallel), then Kafka, then both
   * PostgreSQL servers. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.control?.close();
    if (this.prometheus) {
      this.progress('stopping Prometheus');
      await (await this.prometheus).stop();
    }
    const running = this.instances.filter((i) => i.running);
    if (running.length > 0) this.progress(`stopping ${running.length} service instance(s)`);
    await Promise.all(running.map((instance) => instance.stop()));
    await this.infraStarting; // a Ctrl-C during start-up: let them come up, then stop them
    if (this.kafka) {
      this.progress('stopping Kafka');
      await this.kafka.stop();
    }
    const started = POSTGRES_SERVERS.filter((server) => this.postgres.has(server));
    if (started.length > 0) {
      this.progress(`stopping PostgreSQL (${started.map((server) => `postgres-${server}`).join(', ')})`);
      await Promise.all(started.map((server) => this.postgres.get(server)!.stop()));
    }
    fs.rmSync(statePaths(this.options.stateDir).state, { force: true });
    this.releaseLock?.();
    this.progress('stopped; nothing is left running');
  }
}

/** INSTANCE_WEIGHT for an instance given one with `--weight`; nothing otherwise (the service's default). */
function weightEnv(weight: number | undefined): Record<string, string> {
  return weight === undefined ? {} : { INSTANCE_WEIGHT: String(weight) };
}

function postgresServerOf(name: Exclude<InfraName, 'kafka'>): PostgresServer {
  return name === 'postgres-a' ? 'a' : 'b';
}

function validateScale(scale: Readonly<Record<string, number>>): void {
  for (const [service, count] of Object.entries(scale)) {
    const spec = serviceSpec(service);
    if (!Number.isInteger(count) || count < spec.minCount || count > 20) {
      throw new Error(
        `--scale ${service}=${count}: the count must be a whole number from ${spec.minCount} to 20`,
      );
    }
  }
}

function validateVersion(version: string | undefined): void {
  if (version !== undefined && !RELEASE_NAME_PATTERN.test(version)) {
    throw new Error(
      `SERVICE_VERSION "${version}" is not a version services accept: ` +
        'use 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    );
  }
}

/** Once every start has settled: the first failure, if any. */
function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A connection string without its password, for output. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
