import type { IncomingHttpHeaders } from 'node:http';

import { Agent, request, type Dispatcher } from 'undici';

import { LoadTracker } from '@platform/balancing';
import {
  anySignal,
  BreakerRegistry,
  DEFAULT_BREAKER_SETTINGS,
  instanceBreakerName,
  isCircuitOpenError,
  type BreakerSettings,
  type CircuitBreaker,
} from '@platform/breakers';
import {
  currentRequestContext,
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  type Logger,
} from '@platform/observability';

import { NoInstancesError, UpstreamTimeoutError, UpstreamUnreachableError } from '../errors.js';
import type { ServiceInstance } from '../service-instance.js';
import { classify, errorCode, isIdempotent, isRetryableStatus, type FailureKind } from './failures.js';
import { HealthProber } from './health-prober.js';
import { Upstream } from './upstream.js';
import { DEFAULT_UPSTREAM_POLICY, type UpstreamPolicy } from './upstream-policy.js';
import { CallerGaveUp, judgeAnswer, sparingCallerAborts, type AnswerVerdict } from './whose-fault.js';

/** Where the client finds instances; a {@link RegistryView} in practice. */
export interface InstanceSource {
  instances(service: string): ServiceInstance[];
}

export interface UpstreamRequest {
  readonly method: string;
  /** Path and query, e.g. `/ids/snowflake?count=5`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: Buffer | string;
  /** Safe to send twice (default: from the method, or an Idempotency-Key header). */
  readonly idempotent?: boolean;
  /** How to call this time (the gateway passes its route's policy). */
  readonly policy?: ResolvedPolicy;
  /** Routing key for consistent hashing. */
  readonly key?: string;
  /** Only instances at this version (a release pins it); retries stay on it too. */
  readonly version?: string;
  /** Only the instance with this id (an operator named it): no other is tried. */
  readonly instance?: string;
  /** Abandon the request (the caller went away). */
  readonly signal?: AbortSignal;
}

export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Dispatcher.ResponseData['body'];
  /** The instance that answered. */
  readonly instance: ServiceInstance;
  /** How many instances were tried, this one included. */
  readonly attempts: number;
}

/** A policy plus the settings of the breaker each instance gets under it. */
export type ResolvedPolicy = UpstreamPolicy & { readonly instanceBreaker: BreakerSettings };

export const DEFAULT_RESOLVED_POLICY: ResolvedPolicy = {
  ...DEFAULT_UPSTREAM_POLICY,
  instanceBreaker: DEFAULT_BREAKER_SETTINGS,
};

export interface ServiceClientOptions {
  readonly instances: InstanceSource;
  readonly logger: Logger;
  /** Used when a request names no policy. */
  readonly defaultPolicy?: ResolvedPolicy;
  /** This caller's zone, for zone preference. */
  readonly localZone?: string;
  readonly connectTimeoutMs?: number;
  /** Active `/health/ready` probes of the instances in use (0: off). */
  readonly healthCheckIntervalMs?: number;
  readonly breakers?: BreakerRegistry;
  readonly load?: LoadTracker;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** What happened to one attempt, for metrics and logs. */
export interface AttemptEvent {
  readonly service: string;
  readonly instance: string;
  readonly outcome: AnswerVerdict | FailureKind | 'breaker_open';
  readonly latencyMs: number;
  readonly retried: boolean;
}

export type ClientEvent =
  | { readonly type: 'attempt'; readonly attempt: AttemptEvent }
  | { readonly type: 'ejected'; readonly service: string; readonly instance: string; readonly count: number }
  | { readonly type: 'budget_exhausted'; readonly service: string };

/**
 * Calls a service by name, the way Finagle or Linkerd clients do: picks a live instance with the
 * policy's strategy (load measured from real requests), skips instances that are ejected
 * (passive health), failing their probes (active health) or whose breaker is open, and retries on
 * another instance when that is safe — always when the connection was never made; for idempotent
 * requests (or an Idempotency-Key) after a reset, a timeout or a 5xx — within the retry budget and
 * the total deadline. Only the instance's own faults count against it: a 5xx that names a dependency
 * as its origin, or a call the caller abandoned, does not (see {@link judgeAnswer}). The request
 * being served travels along: its request id as `x-request-id`, its trace as `traceparent` (with its
 * span as the parent: the callee continues the trace in a span of its own) and `tracestate`.
 */
export class ServiceClient {
  readonly load: LoadTracker;
  readonly breakers: BreakerRegistry;
  private readonly agent: Agent;
  private readonly upstreams = new Map<string, Upstream>();
  private readonly prober: HealthProber;
  private readonly listeners: ((event: ClientEvent) => void)[] = [];
  private readonly now: () => number;
  private readonly maintenance: NodeJS.Timeout;
  private readonly appliedSettings = new WeakMap<CircuitBreaker, BreakerSettings>();

  constructor(private readonly options: ServiceClientOptions) {
    this.now = options.now ?? Date.now;
    this.load = options.load ?? new LoadTracker();
    this.breakers = options.breakers ?? new BreakerRegistry();
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 1_000 },
      keepAliveTimeout: 30_000,
      connections: 256,
    });
    this.prober = new HealthProber({
      dispatcher: this.agent,
      logger: options.logger,
      intervalMs: options.healthCheckIntervalMs ?? 0,
      targets: () => [...this.upstreams.keys()].flatMap((service) => options.instances.instances(service)),
      onRecovered: (instance) => this.load.reset(instance.id),
    });
    this.prober.start();
    this.maintenance = setInterval(() => this.forgetDeparted(), 1_000);
    this.maintenance.unref();
  }

  onEvent(listener: (event: ClientEvent) => void): void {
    this.listeners.push(listener);
  }

  async request(service: string, upstreamRequest: UpstreamRequest): Promise<UpstreamResponse> {
    const policy = upstreamRequest.policy ?? this.options.defaultPolicy ?? DEFAULT_RESOLVED_POLICY;
    const upstream = this.upstream(service, policy);
    upstream.budget.recordRequest();
    const idempotent =
      upstreamRequest.idempotent ?? isIdempotent(upstreamRequest.method, upstreamRequest.headers);
    const headers = withRequestContext(upstreamRequest.headers);
    const picker = upstream.picker(policy.strategy, policy.slowStartWindowMs, policy.minLocalHealthyShare);
    const started = this.now();
    // One controller for the whole request: fired by the deadline, or when the caller gives up
    // (cheaper than AbortSignal.any, which costs a weak reference and a finalizer per request).
    const aborter = new AbortController();
    let timedOut = false;
    const deadlineTimer = setTimeout(() => {
      timedOut = true;
      aborter.abort();
    }, policy.timeouts.totalMs);
    const callerSignal = upstreamRequest.signal;
    const callerGone = () => aborter.abort(callerSignal?.reason);
    if (callerSignal?.aborted) callerGone();
    else callerSignal?.addEventListener('abort', callerGone, { once: true });
    const signal = aborter.signal;
    const callerGaveUp = () => !timedOut && callerSignal?.aborted === true;
    const tried = new Set<string>();
    let lastError: unknown;
    try {
      for (let attempt = 1; attempt <= policy.retries.maxAttempts; attempt++) {
        const all = selected(this.options.instances.instances(service), upstreamRequest);
        if (all.length === 0) throw new NoInstancesError(service, upstreamRequest.version);
        const instance = picker.pick(this.eligible(upstream, all), {
          exclude: tried,
          key: upstreamRequest.key,
          all,
        });
        if (!instance) break;
        tried.add(instance.id);
        const breaker = this.instanceBreaker(service, instance.id, policy.instanceBreaker);
        const finish = this.load.begin(instance.id);
        const attemptStarted = this.now();
        // A probe of a breaker that is not closed proves nothing when abandoned: it still counts as failed.
        const spareAborts = breaker.state === 'closed';
        try {
          const answer = await breaker.execute(
            (breakerSignal) =>
              sparingCallerAborts(
                request(`${instance.url}${upstreamRequest.path}`, {
                  dispatcher: this.agent,
                  method: upstreamRequest.method,
                  headers,
                  body: upstreamRequest.body,
                  signal: anySignal(signal, breakerSignal),
                  headersTimeout: Math.max(
                    1,
                    Math.min(policy.timeouts.perTryMs, policy.timeouts.totalMs - (this.now() - started)),
                  ),
                  bodyTimeout: policy.timeouts.perTryMs,
                }),
                () => spareAborts && callerGaveUp(),
              ),
            (result) => !(result instanceof CallerGaveUp) && judgeAnswer(result) === 'http_error',
          );
          if (answer instanceof CallerGaveUp) throw answer.error;
          const response = answer;
          const latencyMs = this.now() - attemptStarted;
          const verdict = judgeAnswer(response);
          // A dependency's 5xx is still an answer: the instance is as loaded as its latency says.
          finish({ latencyMs, ok: verdict !== 'http_error' });
          if (verdict !== 'http_error') {
            // Nor does it say anything about the instance's own health: it leaves the count of its
            // consecutive failures as it was, and is never retried (every instance shares the dependency).
            if (verdict === 'success') upstream.outliers.success(instance.id);
            this.emit({
              type: 'attempt',
              attempt: { service, instance: instance.id, outcome: verdict, latencyMs, retried: false },
            });
            return { ...response, instance, attempts: attempt };
          }
          this.noteFailure(upstream, instance, all, false);
          const retry =
            idempotent &&
            isRetryableStatus(response.statusCode) &&
            attempt < policy.retries.maxAttempts &&
            this.mayRetry(upstream, all, tried);
          this.emit({
            type: 'attempt',
            attempt: { service, instance: instance.id, outcome: 'http_error', latencyMs, retried: retry },
          });
          if (!retry) return { ...response, instance, attempts: attempt };
          await response.body.dump();
        } catch (error) {
          const latencyMs = this.now() - attemptStarted;
          if (timedOut) {
            // The instance was still busy when the whole request ran out of time: that counts against it.
            finish({ latencyMs, ok: false });
            throw new UpstreamTimeoutError(service, policy.timeouts.totalMs, error);
          }
          if (callerGaveUp()) {
            // The caller gave up; the instance took at least this long, which is all we know.
            finish({ latencyMs, ok: true });
            throw error;
          }
          lastError = error;
          if (isCircuitOpenError(error)) {
            // Nothing was sent: try another instance, without touching the budget.
            finish({ latencyMs: 0, ok: true });
            this.emit({
              type: 'attempt',
              attempt: { service, instance: instance.id, outcome: 'breaker_open', latencyMs, retried: true },
            });
            continue;
          }
          const kind = classify(error);
          finish({ latencyMs, ok: false });
          this.noteFailure(upstream, instance, all, kind === 'connect');
          const safe = kind === 'connect' || (idempotent && (kind === 'reset' || kind === 'timeout'));
          const retry = safe && attempt < policy.retries.maxAttempts && this.mayRetry(upstream, all, tried);
          this.emit({
            type: 'attempt',
            attempt: { service, instance: instance.id, outcome: kind, latencyMs, retried: retry },
          });
          this.options.logger.warn(
            { service, instance: instance.id, attempt, code: errorCode(error) || kind, retrying: retry },
            `call to ${service} failed: ${errorCode(error) || (error as Error).message}`,
          );
          if (!retry) {
            if (kind === 'timeout') throw new UpstreamTimeoutError(service, policy.timeouts.perTryMs, error);
            break;
          }
        } finally {
          // Every path above reports the attempt; this only guards the in-flight count against one that
          // does not (finish is idempotent), since a leaked count would skew load-aware pickers for good.
          finish({ latencyMs: this.now() - attemptStarted, ok: false });
        }
      }
      if (tried.size === 0 && lastError === undefined)
        throw new NoInstancesError(service, upstreamRequest.version);
      if (classify(lastError) === 'timeout')
        throw new UpstreamTimeoutError(service, policy.timeouts.perTryMs, lastError);
      throw new UpstreamUnreachableError(
        service,
        tried.size,
        lastError ?? new Error('every instance is ejected or excluded'),
      );
    } finally {
      // Once headers are in, the body streams on: the deadline bounds the wait, not the transfer.
      clearTimeout(deadlineTimer);
      callerSignal?.removeEventListener('abort', callerGone);
    }
  }

  /** A JSON request; resolves with the status and parsed body, whatever the status. */
  async json<T>(
    service: string,
    upstreamRequest: Omit<UpstreamRequest, 'body'> & { body?: unknown },
  ): Promise<{ status: number; body: T }> {
    const response = await this.request(service, {
      ...upstreamRequest,
      headers: {
        accept: 'application/json',
        ...(upstreamRequest.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...upstreamRequest.headers,
      },
      body: upstreamRequest.body === undefined ? undefined : JSON.stringify(upstreamRequest.body),
    });
    return { status: response.statusCode, body: (await response.body.json()) as T };
  }

  /** What this client knows about each instance of `service` (for the admin API). */
  describe(service: string) {
    const upstream = this.upstreams.get(service);
    return this.options.instances.instances(service).map((instance) => ({
      instance,
      load: this.load.snapshot(instance.id),
      breaker: this.breakers.get(instanceBreakerName(service, instance.id))?.state ?? 'closed',
      ejection: upstream?.outliers.ejection(instance.id),
      healthy: this.prober.isHealthy(instance.id),
      probeProblem: this.prober.problem(instance.id),
    }));
  }

  services(): string[] {
    return [...this.upstreams.keys()];
  }

  retryBudgetRemaining(service: string): number | undefined {
    return this.upstreams.get(service)?.budget.remaining();
  }

  async close(): Promise<void> {
    clearInterval(this.maintenance);
    this.prober.stop();
    await this.agent.close();
  }

  private upstream(service: string, policy: ResolvedPolicy): Upstream {
    let upstream = this.upstreams.get(service);
    if (!upstream) {
      upstream = new Upstream(service, policy, {
        load: this.load,
        localZone: this.options.localZone,
        random: this.options.random,
        now: this.now,
      });
      this.upstreams.set(service, upstream);
    }
    upstream.use(policy);
    return upstream;
  }

  /**
   * Instances that may get traffic: not ejected, passing probes, breaker not open. If that leaves
   * none, all of them (a panic mode, as in Envoy: better to try a suspect instance than fail).
   */
  private eligible(upstream: Upstream, all: ServiceInstance[]): ServiceInstance[] {
    const healthy = all.filter(
      (instance) =>
        !upstream.outliers.isEjected(instance.id) &&
        this.prober.isHealthy(instance.id) &&
        this.breakers.get(instanceBreakerName(upstream.service, instance.id))?.state !== 'open',
    );
    return healthy.length > 0 ? healthy : all;
  }

  /** The instance's breaker, with the settings of the policy at hand (a route may have changed them). */
  private instanceBreaker(service: string, instanceId: string, settings: BreakerSettings): CircuitBreaker {
    const breaker = this.breakers.forInstance(service, instanceId, settings);
    if (this.appliedSettings.get(breaker) !== settings) {
      if (this.appliedSettings.has(breaker)) breaker.updateSettings(settings);
      this.appliedSettings.set(breaker, settings);
    }
    return breaker;
  }

  private noteFailure(
    upstream: Upstream,
    instance: ServiceInstance,
    candidates: readonly ServiceInstance[],
    connectFailure: boolean,
  ): void {
    const ejection = upstream.outliers.failure(instance.id, candidates, connectFailure);
    if (ejection) {
      this.options.logger.warn(
        {
          service: upstream.service,
          instance: instance.id,
          count: ejection.count,
          untilMs: ejection.until - this.now(),
        },
        'ejected an instance after consecutive failures',
      );
      this.emit({ type: 'ejected', service: upstream.service, instance: instance.id, count: ejection.count });
    }
  }

  /**
   * A retry needs an instance it has not tried yet (a retry never goes back to the one that just failed,
   * and answering the caller with that instance's own error beats a 502 made up here) and room in the budget.
   */
  private mayRetry(upstream: Upstream, all: readonly ServiceInstance[], tried: ReadonlySet<string>): boolean {
    if (!all.some((instance) => !tried.has(instance.id))) return false;
    if (upstream.budget.tryRetry()) return true;
    this.emit({ type: 'budget_exhausted', service: upstream.service });
    return false;
  }

  private forgetDeparted(): void {
    for (const [service, upstream] of this.upstreams) {
      upstream.observe(this.options.instances.instances(service), (id) =>
        this.breakers.remove(instanceBreakerName(service, id)),
      );
    }
  }

  private emit(event: ClientEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The instances a request may go to: all of them, or those at its version, or the one it names. */
function selected(
  instances: ServiceInstance[],
  { version, instance: id }: Pick<UpstreamRequest, 'version' | 'instance'>,
): ServiceInstance[] {
  if (version === undefined && id === undefined) return instances;
  return instances.filter(
    (instance) =>
      (version === undefined || instance.version === version) && (id === undefined || instance.id === id),
  );
}

/**
 * The request's headers plus the request id and trace context of the request being served, if any;
 * a caller that sets one of these headers itself keeps its own (the trace headers go as a pair).
 * Every attempt sends the same `traceparent`: each callee gives its request a span id of its own,
 * which tells the attempts apart in the logs.
 */
function withRequestContext(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name] = value;
  const context = currentRequestContext();
  if (!context) return result;
  if (result[REQUEST_ID_HEADER] === undefined) result[REQUEST_ID_HEADER] = context.requestId;
  if (result[TRACEPARENT_HEADER] === undefined) {
    result[TRACEPARENT_HEADER] = context.trace.traceparent;
    if (context.trace.tracestate !== undefined) result[TRACESTATE_HEADER] = context.trace.tracestate;
    else if (TRACESTATE_HEADER in result) delete result[TRACESTATE_HEADER];
  }
  return result;
}
