import type { IncomingHttpHeaders } from 'node:http';

import { Agent, request, type Dispatcher } from 'undici';

import { RoundRobinPicker, type Picker } from '@platform/balancing';
import { currentRequestContext, REQUEST_ID_HEADER, type Logger } from '@platform/observability';

import { NoInstancesError, UpstreamTimeoutError, UpstreamUnreachableError } from './errors.js';
import type { ServiceInstance } from './service-instance.js';

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
  /** Safe to send twice (defaults from the method: GET, HEAD, OPTIONS, PUT, DELETE are). */
  readonly idempotent?: boolean;
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

export interface ServiceClientOptions {
  readonly instances: InstanceSource;
  readonly logger: Logger;
  /** Instances tried per request at most (never the same one twice). */
  readonly maxAttempts?: number;
  readonly connectTimeoutMs?: number;
  /** Time allowed for the response headers (and between body chunks). */
  readonly requestTimeoutMs?: number;
  readonly pickerFor?: (service: string) => Picker<ServiceInstance>;
  /**
   * After a connection to an instance is refused, skip it for this long (unless nothing else is
   * left), so requests stop paying for the same dead instance until the registry drops it.
   */
  readonly quarantineMs?: number;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Failures where nothing reached the instance, so any request may go to another one. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Failures after the request may have been sent: only idempotent requests may be retried. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Calls a service by name: picks a live instance from the registry view, sends the request over a
 * pooled keep-alive connection, and on failure tries another instance when that is safe: always if
 * the connection was never made, and for idempotent requests (or ones with an Idempotency-Key) if
 * it broke. The request id of the request being served travels along.
 */
export class ServiceClient {
  private readonly agent: Agent;
  private readonly pickers = new Map<string, Picker<ServiceInstance>>();
  private readonly maxAttempts: number;
  private readonly requestTimeoutMs: number;
  private readonly quarantineMs: number;
  /** Instance id → performance.now() until which it is skipped. */
  private readonly quarantined = new Map<string, number>();

  constructor(private readonly options: ServiceClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.quarantineMs = options.quarantineMs ?? 2_000;
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 1_000 },
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: 128,
    });
  }

  async request(service: string, upstream: UpstreamRequest): Promise<UpstreamResponse> {
    const picker = this.pickerFor(service);
    const idempotent =
      upstream.idempotent ?? (IDEMPOTENT_METHODS.has(upstream.method) || hasIdempotencyKey(upstream));
    const tried = new Set<string>();
    const headers = withRequestId(upstream.headers);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const candidates = this.options.instances.instances(service);
      if (candidates.length === 0 && attempt === 1) throw new NoInstancesError(service);
      const instance =
        picker.pick(candidates, { exclude: this.excluding(tried, candidates) }) ??
        picker.pick(candidates, { exclude: tried });
      if (!instance) break;
      tried.add(instance.id);
      try {
        const response = await request(`${instance.url}${upstream.path}`, {
          dispatcher: this.agent,
          method: upstream.method,
          headers,
          body: upstream.body,
        });
        return { ...response, instance, attempts: attempt };
      } catch (error) {
        lastError = error;
        const code = errorCode(error);
        if (CONNECT_FAILURES.has(code))
          this.quarantined.set(instance.id, performance.now() + this.quarantineMs);
        const retryable = CONNECT_FAILURES.has(code) || (idempotent && CONNECTION_LOST.has(code));
        this.options.logger.warn(
          { service, instance: instance.id, attempt, code, retrying: retryable },
          `call to ${service} failed: ${code || (error as Error).message}`,
        );
        if (TIMEOUTS.has(code)) throw new UpstreamTimeoutError(service, this.requestTimeoutMs, error);
        if (!retryable) break;
      }
    }
    if (tried.size === 0) throw new NoInstancesError(service);
    throw new UpstreamUnreachableError(service, tried.size, lastError);
  }

  /** A JSON request; resolves with the status and parsed body, whatever the status. */
  async json<T>(
    service: string,
    upstream: Omit<UpstreamRequest, 'body'> & { body?: unknown },
  ): Promise<{ status: number; body: T }> {
    const response = await this.request(service, {
      ...upstream,
      headers: {
        accept: 'application/json',
        ...(upstream.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...upstream.headers,
      },
      body: upstream.body === undefined ? undefined : JSON.stringify(upstream.body),
    });
    return { status: response.statusCode, body: (await response.body.json()) as T };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** `tried` plus the candidates still in quarantine. */
  private excluding(tried: ReadonlySet<string>, candidates: readonly ServiceInstance[]): ReadonlySet<string> {
    if (this.quarantined.size === 0) return tried;
    const now = performance.now();
    const excluded = new Set(tried);
    for (const candidate of candidates) {
      const until = this.quarantined.get(candidate.id);
      if (until === undefined) continue;
      if (until > now) excluded.add(candidate.id);
      else this.quarantined.delete(candidate.id);
    }
    return excluded;
  }

  private pickerFor(service: string): Picker<ServiceInstance> {
    let picker = this.pickers.get(service);
    if (!picker) {
      picker = this.options.pickerFor?.(service) ?? new RoundRobinPicker<ServiceInstance>();
      this.pickers.set(service, picker);
    }
    return picker;
  }
}

function hasIdempotencyKey(upstream: UpstreamRequest): boolean {
  return Object.keys(upstream.headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key');
}

function withRequestId(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name] = value;
  const context = currentRequestContext();
  if (context && result[REQUEST_ID_HEADER] === undefined) result[REQUEST_ID_HEADER] = context.requestId;
  return result;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? code : typeof causeCode === 'string' ? causeCode : '';
}
