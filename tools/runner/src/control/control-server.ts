import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { z } from 'zod';

import {
  describeIssues,
  setVersionSchema,
  startInstancesSchema,
  type ControlErrorBody,
  type InfraActionView,
  type InfraView,
  type InstanceView,
  type RestartedInstanceView,
  type ServiceVersionView,
  type StartedInstanceView,
  type StartInstancesRequest,
  type StoppedInstanceView,
} from './control-api.js';
import {
  InvalidControlRequestError,
  isControlError,
  UnauthenticatedControlError,
  UnknownEndpointError,
  type ControlErrorKind,
} from './control.errors.js';

/** What the control API acts on: the running platform (see PlatformControl), or a fake in tests. */
export interface ControlTarget {
  instances(): readonly InstanceView[];
  services(): readonly ServiceVersionView[];
  startInstances(request: StartInstancesRequest): Promise<readonly StartedInstanceView[]>;
  stopInstance(instanceId: string): Promise<StoppedInstanceView>;
  setVersion(service: string, version: string): ServiceVersionView;
  /** Stops an instance (unless it has already exited, e.g. killed) and starts one like it. */
  restartInstance(instanceId: string): Promise<RestartedInstanceView>;
  infrastructure(): readonly InfraView[];
  stopInfrastructure(name: string): Promise<InfraActionView>;
  startInfrastructure(name: string): Promise<InfraActionView>;
}

const STATUS_BY_KIND: Record<ControlErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  not_found: 404,
  conflict: 409,
  failed: 500,
};

/** Bodies are a few fields; anything bigger is a mistake. */
const MAX_BODY_BYTES = 64 * 1024;

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The runner's control API on 127.0.0.1, on a port the OS picks: `npm run release` starts and
 * stops instances through it while the platform runs, `npm run chaos` restarts instances and stops
 * and starts PostgreSQL servers and the Kafka broker. Every request needs the platform's admin
 * token. Plain `node:http`, because it is a few routes and the runner should not need a framework.
 */
export class ControlServer {
  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  private readonly expectedDigest: Buffer;
  private address: AddressInfo | undefined;

  constructor(
    private readonly target: ControlTarget,
    adminToken: string,
  ) {
    this.expectedDigest = digest(adminToken);
  }

  /** Listens on an ephemeral loopback port; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    return this.url;
  }

  get url(): string {
    if (!this.address) throw new Error('the control server is not listening');
    return `http://127.0.0.1:${this.address.port}`;
  }

  /** Stops accepting requests and drops open connections (a release waiting on one sees it fail). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: Answer;
    try {
      this.authenticate(request.headers.authorization);
      answer = await this.route(request);
    } catch (error) {
      answer = errorAnswer(error);
    }
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(`${JSON.stringify(answer.body)}\n`);
  }

  /** Digests of equal length, so the comparison takes the same time whatever the guess. */
  private authenticate(header: string | undefined): void {
    const match = /^Bearer (.+)$/i.exec(header ?? '');
    if (!match?.[1]) {
      throw new UnauthenticatedControlError(
        'the control API needs the admin token: send "Authorization: Bearer <adminToken>" ' +
          '(adminToken is in .platform/state.json and in npm run status)',
      );
    }
    if (!timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      throw new UnauthenticatedControlError('the admin token is wrong');
    }
  }

  private async route(request: IncomingMessage): Promise<Answer> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://control').pathname.replace(/\/+$/, '') || '/';
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const [collection, name, property] = segments;

    if (collection === 'instances' && segments.length === 1) {
      if (method === 'GET') return { status: 200, body: { instances: this.target.instances() } };
      if (method === 'POST') {
        const body = parse(startInstancesSchema, await readJson(request));
        return { status: 201, body: { instances: await this.target.startInstances(body) } };
      }
    }
    if (collection === 'instances' && segments.length === 2 && method === 'DELETE') {
      return { status: 200, body: await this.target.stopInstance(name!) };
    }
    if (collection === 'instances' && property === 'restart' && segments.length === 3 && method === 'POST') {
      return { status: 200, body: await this.target.restartInstance(name!) };
    }
    if (collection === 'infrastructure' && segments.length === 1 && method === 'GET') {
      return { status: 200, body: { infrastructure: this.target.infrastructure() } };
    }
    if (collection === 'infrastructure' && segments.length === 3 && method === 'POST') {
      if (property === 'stop') return { status: 200, body: await this.target.stopInfrastructure(name!) };
      if (property === 'start') return { status: 200, body: await this.target.startInfrastructure(name!) };
    }
    if (collection === 'services' && segments.length === 1 && method === 'GET') {
      return { status: 200, body: { services: this.target.services() } };
    }
    if (collection === 'services' && property === 'version' && segments.length === 3 && method === 'PUT') {
      const body = parse(setVersionSchema, await readJson(request));
      return { status: 200, body: this.target.setVersion(name!, body.version) };
    }
    throw new UnknownEndpointError(method, path);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new InvalidControlRequestError(`the body is larger than ${MAX_BODY_BYTES / 1024} KB`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new InvalidControlRequestError('the body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidControlRequestError('the body is not valid JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new InvalidControlRequestError(`invalid body: ${describeIssues(result.error)}`);
  return result.data;
}

function errorAnswer(error: unknown): Answer {
  const body = (code: string, message: string): ControlErrorBody => ({ error: { code, message } });
  if (isControlError(error))
    return { status: STATUS_BY_KIND[error.kind], body: body(error.code, error.message) };
  if (error instanceof URIError)
    return { status: 400, body: body('invalid_request', 'the path is not valid') };
  // Local and admin-only: the message helps whoever is releasing more than it could help anyone else.
  return { status: 500, body: body('internal', (error as Error).message) };
}
