import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';

import { eventually } from '@platform/testing';

import { AdminTokenGuard } from '../../src/admin/admin-token.guard.js';
import { createServiceApp, type RunningService } from '../../src/bootstrap/create-service-app.js';
import { baseEnvSchema } from '../../src/config/base-env.schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ReadinessRegistry } from '../../src/health/readiness.registry.js';
import { ZodPipe } from '../../src/validation/zod.pipe.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const BODY_LIMIT_BYTES = 2_048;

const noteSchema = z.object({ text: z.string().min(1).max(100) });

/** Lets a test hold a request in flight for as long as it likes. */
class Gate {
  arrived!: () => void;
  readonly arrival = new Promise<void>((resolve) => (this.arrived = resolve));
  release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
}
let gate = new Gate();

@Controller('notes')
class NotesController {
  @Post()
  create(@Body(new ZodPipe(noteSchema, 'body')) body: z.output<typeof noteSchema>) {
    return { saved: body.text };
  }

  @Get('slow')
  async slow() {
    gate.arrived();
    await gate.released;
    return { finally: 'done' };
  }

  @Get('boom')
  boom(): never {
    throw new Error('connection to 10.1.2.3:5432 failed for user "app"');
  }

  @Post('purge')
  @UseGuards(AdminTokenGuard)
  purge() {
    return { purged: true };
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

function configFor(env: Record<string, string> = {}) {
  return loadConfig(baseEnvSchema, {
    PORT: '0',
    // Nothing connects to Kafka unless the discovery module is imported.
    KAFKA_BROKERS: '127.0.0.1:9',
    ADMIN_TOKEN,
    BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    LOG_LEVEL: 'debug',
    INSTANCE_ID: 'notes-1',
    ...env,
  });
}

async function startNotes(
  env: Record<string, string> = {},
): Promise<{ service: RunningService; logs: () => Record<string, unknown>[] }> {
  const raw: string[] = [];
  const service = await createServiceApp({
    name: 'notes',
    config: configFor(env),
    module: () => NotesModule,
    logDestination: { write: (line: string) => void raw.push(line) },
  });
  return { service, logs: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe(createServiceApp.name, () => {
  let service: RunningService;
  let logs: () => Record<string, unknown>[];
  let base: string;

  beforeAll(async () => {
    ({ service, logs } = await startNotes());
    base = `http://127.0.0.1:${service.port}`;
  });

  afterAll(async () => {
    await service.shutdown('test over');
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('listens on a free port and advertises its url', () => {
    expect(service.port).toBeGreaterThan(0);
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect(service.context.instanceId).toBe('notes-1');
  });

  it('answers /health/live with 200', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });

  it('serves its routes, validating bodies with field paths in a 400', async () => {
    const ok = await post('/notes', JSON.stringify({ text: 'hello' }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ saved: 'hello' });

    const bad = await post('/notes', JSON.stringify({ text: '' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'text' }] },
      requestId: bad.headers.get('x-request-id'),
    });
  });

  it('answers an unknown route with a 404 in the platform error shape', async () => {
    const response = await fetch(`${base}/no/such/route?x=1`, { headers: { 'x-request-id': 'lost-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toBe('lost-1');
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /no/such/route' },
      requestId: 'lost-1',
    });
  });

  it('answers a malformed JSON body with a 400 JSON error', async () => {
    const response = await post('/notes', '{"text": "unterminated');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'bad_request', message: expect.any(String) },
      requestId: expect.any(String),
    });
  });

  it('answers a body over BODY_LIMIT_BYTES with a 413 JSON error', async () => {
    const response = await post('/notes', JSON.stringify({ text: 'x'.repeat(BODY_LIMIT_BYTES) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { code: 'payload_too_large', message: expect.any(String) },
      requestId: expect.any(String),
    });
  });

  it('answers an unexpected failure with a 500 that hides the cause, and logs the cause', async () => {
    const response = await fetch(`${base}/notes/boom`, { headers: { 'x-request-id': 'boom-1' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('10.1.2.3');
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'internal_error',
        message: 'internal error; the service log has the details under request id boom-1',
      },
      requestId: 'boom-1',
    });
    const line = logs().find((entry) => entry['level'] === 'error' && entry['requestId'] === 'boom-1');
    expect(JSON.stringify(line)).toContain('10.1.2.3');
    // The line is under the request's trace too, which the caller learns from traceresponse.
    const [, traceId, spanId] = response.headers.get('traceresponse')?.split('-') ?? [];
    expect(line).toMatchObject({ traceId, spanId });
  });

  it('guards admin routes with the bearer token', async () => {
    const without = await post('/notes/purge', '{}');
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect(await without.json()).toMatchObject({ error: { code: 'unauthenticated' } });

    const wrong = await post('/notes/purge', '{}', { authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);

    const right = await post('/notes/purge', '{}', { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(right.status).toBe(201);
    expect(await right.json()).toEqual({ purged: true });
  });

  it('records requests in /metrics by route pattern, with the service label', async () => {
    await fetch(`${base}/health/live`);
    await eventually(async () => {
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const series = (name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`));
      expect(series('http_server_request_duration_seconds_count')).toContainEqual(
        expect.stringMatching(
          /^(?=.*service="notes")(?=.*route="\/health\/live")(?=.*method="GET")(?=.*status_code="200").*\} [1-9]/,
        ),
      );
      expect(series('http_server_request_duration_seconds_count')).toContainEqual(
        expect.stringMatching(/route="unmatched".*status_code="404"/),
      );
      expect(text).not.toContain('/no/such/route');
    });
  });

  it('logs served requests but not health probes or scrapes', async () => {
    await post('/notes', JSON.stringify({ text: 'logged' }), { 'x-request-id': 'log-me' });
    await fetch(`${base}/health/ready`);
    await eventually(() =>
      expect(logs()).toContainEqual(
        expect.objectContaining({
          msg: 'request completed',
          requestId: 'log-me',
          route: '/notes',
          status: 201,
        }),
      ),
    );
    const completed = logs().filter((entry) => entry['msg'] === 'request completed');
    expect(completed.map((entry) => entry['route'])).not.toContain('/health/ready');
    expect(completed.map((entry) => entry['route'])).not.toContain('/metrics');
  });
});

describe(`${createServiceApp.name}: readiness and graceful shutdown`, () => {
  it('reports ready, then 503 once shutdown begins', async () => {
    const { service } = await startNotes();
    try {
      const base = `http://127.0.0.1:${service.port}`;
      const before = await fetch(`${base}/health/ready`);
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ status: 'ok', info: { lifecycle: { status: 'up' } } });

      service.app.get(ReadinessRegistry).beginShutdown();

      const after = await fetch(`${base}/health/ready`);
      expect(after.status).toBe(503);
      expect(await after.json()).toMatchObject({
        status: 'error',
        error: { lifecycle: { status: 'down', reason: 'shutting down' } },
      });
      // Still alive: only readiness changed.
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      await service.shutdown('test over');
    }
  });

  it('reports not ready when a registered dependency check fails', async () => {
    const { service } = await startNotes();
    try {
      service.app.get(ReadinessRegistry).register('database', () => Promise.reject(new Error('down')));
      const response = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { database: { status: 'down' } } });
    } finally {
      await service.shutdown('test over');
    }
  });

  it('finishes a request in flight before it stops, then refuses connections', async () => {
    gate = new Gate();
    const { service } = await startNotes();
    const base = `http://127.0.0.1:${service.port}`;
    const slow = fetch(`${base}/notes/slow`);
    await gate.arrival;

    let stopped = false;
    const stopping = service.shutdown('SIGTERM').then(() => (stopped = true));
    expect(service.shutdown('again')).toBe(service.shutdown('and again'));
    // Held in flight for a while: the shutdown waits for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    // New requests are no longer taken while it waits.
    const late = await fetch(`${base}/health/live`).catch((error: unknown) => error);
    expect([503, 'refused']).toContain(late instanceof Response ? late.status : 'refused');

    gate.release();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finally: 'done' });

    // Finishes promptly once the last request is answered, even though the client keeps connections alive.
    const started = performance.now();
    await stopping;
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});

describe('fault injection', () => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

  it('is off unless FAULTS_ENABLED is set: /admin/faults answers 404 saying how to turn it on', async () => {
    const { service } = await startNotes();
    try {
      const response = await fetch(`${service.url}/admin/faults`, {
        method: 'PUT',
        headers: admin,
        body: '{}',
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'faults_disabled' } });
    } finally {
      await service.shutdown('test');
    }
  });

  it('when enabled, slows and fails requests as told, but never health, metrics or admin routes', async () => {
    const { service } = await startNotes({ FAULTS_ENABLED: 'true' });
    try {
      const anonymous = { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' };
      expect((await fetch(`${service.url}/admin/faults`, anonymous)).status).toBe(401);
      const bad = await fetch(`${service.url}/admin/faults`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ errors: { share: 2 } }),
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('errors.share');

      const slow = await fetch(`${service.url}/admin/faults`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ latency: { distribution: 'fixed', ms: 300 } }),
      });
      expect(slow.status).toBe(200);
      let started = Date.now();
      expect((await fetch(`${service.url}/notes/boom`)).status).toBe(500);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      started = Date.now();
      expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(250);

      await fetch(`${service.url}/admin/faults`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ errors: { share: 1, status: 503 } }),
      });
      const failed = await fetch(`${service.url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ error: { code: 'injected_fault' } });
      expect((await fetch(`${service.url}/metrics`)).status).toBe(200);

      const auth = { authorization: admin.authorization };
      expect((await fetch(`${service.url}/admin/faults`, { method: 'DELETE', headers: auth })).status).toBe(
        204,
      );
      const healed = await fetch(`${service.url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(healed.status).toBe(201);
    } finally {
      await service.shutdown('test');
    }
  });
});
