import { LogCapture } from './log-capture.js';
import { testKafkaBrokers } from './test-kafka.js';

/** The admin token every service started by {@link startTestService} accepts. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** What `createServiceApp` of @platform/service-kit returns, as far as tests need it. */
export interface RunningServiceLike {
  readonly url: string;
  readonly port: number;
  shutdown(reason: string): Promise<void>;
}

/**
 * `createServiceApp` of @platform/service-kit. Passed in rather than imported: the service kit
 * (through observability) is tested with this package, so depending on it would be a cycle.
 */
export type ServiceAppFactory<C, M, R extends RunningServiceLike> = (options: {
  readonly name: string;
  readonly config: C;
  readonly module: (config: C) => M;
  readonly logDestination: { write(line: string): void };
}) => Promise<R>;

/** One app, as a test starts it: how to build its config and its root module. */
export interface AppUnderTest<C, M, R extends RunningServiceLike> {
  readonly createServiceApp: ServiceAppFactory<NoInfer<C>, NoInfer<M>, R>;
  /** The service name, as found in the registry (`id-service`). */
  readonly name: string;
  /** The app's own `readConfig(env)` from its `src/config/`. */
  readonly readConfig: (env: Record<string, string | undefined>) => C;
  /** The app's root module, built from its config. */
  readonly module: (config: C) => M;
}

export interface TestServiceOptions<C, M, R extends RunningServiceLike> extends AppUnderTest<C, M, R> {
  /** The registry topic of this test file (from `uniqueTopic`), so files never see each other. */
  readonly registryTopic: string;
  /** Distinct per instance. */
  readonly instanceId: string;
  /** The app's own variables (DATABASE_URL...) and overrides of the test defaults. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Where one instance goes: its registry topic and id, plus overrides of any variable. */
export interface InstancePlacement {
  readonly registryTopic: string;
  readonly instanceId: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Binds an app once, for all its tests: the result turns an instance's placement (and the app's
 * own settings `X`, e.g. a database URL, mapped to variables by `appEnv`) into the options
 * {@link TestServices.start} takes.
 */
export function testServiceFactory<C, M, R extends RunningServiceLike, X extends object = object>(
  app: AppUnderTest<C, M, R>,
  appEnv: (settings: X) => Record<string, string> = () => ({}),
): (options: InstancePlacement & X) => TestServiceOptions<C, M, R> {
  return (options) => ({
    ...app,
    registryTopic: options.registryTopic,
    instanceId: options.instanceId,
    env: { ...appEnv(options), ...options.env },
  });
}

export type TestService<R extends RunningServiceLike> = R & {
  readonly instanceId: string;
  /** Every line the instance logged. */
  readonly logs: LogCapture;
};

/**
 * Starts one instance of an app in this process, the way its `main.ts` would, on a free port, with
 * the run's Kafka and settings that keep tests fast: a 3 s registry TTL with 1 s heartbeats and no
 * shutdown drain (override any of them in `env`). Stop it with `shutdown()`.
 */
export async function startTestService<C, M, R extends RunningServiceLike>(
  options: TestServiceOptions<C, M, R>,
): Promise<TestService<R>> {
  const config = options.readConfig({
    PORT: '0',
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    REGISTRY_TOPIC: options.registryTopic,
    INSTANCE_ID: options.instanceId,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    REGISTRY_TTL_MS: '3000',
    REGISTRY_HEARTBEAT_MS: '1000',
    SHUTDOWN_DRAIN_MS: '0',
    ...options.env,
  });
  const logs = new LogCapture();
  const running = await options.createServiceApp({
    name: options.name,
    config,
    module: options.module,
    logDestination: logs,
  });
  return Object.assign(running, { instanceId: options.instanceId, logs });
}

/**
 * The instances a test file started, so `afterAll` can stop whichever are still running (shutdown
 * is idempotent, so ones a test already stopped are fine).
 */
export class TestServices {
  private readonly started: RunningServiceLike[] = [];

  async start<C, M, R extends RunningServiceLike>(
    options: TestServiceOptions<C, M, R>,
  ): Promise<TestService<R>> {
    const service = await startTestService(options);
    this.started.push(service);
    return service;
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.started.map((service) => service.shutdown('test finished')));
  }
}
