import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Registry } from 'prom-client';

import type { ErrorResponse } from '../errors/error-response.js';

import { baseEnvSchema } from '../config/base-env.schema.js';
import { loadConfig } from '../config/load-config.js';
import { toErrorResponse } from '../errors/error-response.js';
import { ServiceContext } from '../service-context.js';
import { AdminAuthLimiter } from './admin-auth-limiter.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const TOKEN = 'a-long-enough-admin-token';

/** A guard allowing 3 wrong tokens a minute, on a clock the test moves; its warnings are kept. */
function guardWith(adminToken: string | undefined) {
  const config = loadConfig(baseEnvSchema, {
    PORT: '0',
    KAFKA_BROKERS: '127.0.0.1:9092',
    ADMIN_TOKEN: adminToken,
  });
  const clock = { now: 0 };
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) },
  );
  const limiter = new AdminAuthLimiter({ maxFailures: 3, windowMs: 60_000, now: () => clock.now });
  const guard = new AdminTokenGuard(
    new ServiceContext('users', 'users-1', config, logger, new Registry()),
    limiter,
  );
  return Object.assign(guard, { clock, warnings });
}

/** What the guard sees of an HTTP request from `ip` that sent `authorization`. */
function requestWith(authorization: string | undefined, ip = '10.0.0.1'): ExecutionContext {
  const headers = authorization === undefined ? {} : { authorization };
  return { switchToHttp: () => ({ getRequest: () => ({ headers, ip }) }) } as unknown as ExecutionContext;
}

/** The HTTP answer a caller gets when the guard refuses. */
function refusal(guard: AdminTokenGuard, authorization: string | undefined, ip?: string): ErrorResponse {
  try {
    guard.canActivate(requestWith(authorization, ip));
  } catch (error) {
    const request = { id: 'r', method: 'POST', url: '/admin/x' } as Parameters<typeof toErrorResponse>[1];
    return toErrorResponse(error, request);
  }
  throw new Error('the guard let the request through');
}

describe(AdminTokenGuard.name, () => {
  it('lets a request with the right bearer token through', () => {
    const guard = guardWith(TOKEN);
    expect(guard.canActivate(requestWith(`Bearer ${TOKEN}`))).toBe(true);
    expect(guard.canActivate(requestWith(`bearer ${TOKEN}`))).toBe(true);
  });

  it('answers 401 to a missing, malformed or wrong token', () => {
    const guard = guardWith(TOKEN);
    for (const authorization of [undefined, '', TOKEN, 'Basic dXNlcjpwdw==', 'Bearer ']) {
      const response = refusal(guard, authorization);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toContain('needs the admin token');
    }
    for (const wrong of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Bearer ${'x'.repeat(TOKEN.length)}`,
    ]) {
      const response = refusal(guard, wrong);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toBe('the admin token is wrong');
    }
  });

  it('closes admin endpoints to everyone when no token is configured, and says so', () => {
    const guard = guardWith(undefined);
    for (const authorization of [undefined, 'Bearer anything-at-all-really', 'Bearer ']) {
      const response = refusal(guard, authorization);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toMatch(/admin endpoints are disabled.*no ADMIN_TOKEN configured/);
    }
  });

  it('refuses a client with 429 and Retry-After after 3 wrong tokens, before comparing its token', () => {
    const guard = guardWith(TOKEN);
    const statuses = [1, 2, 3].map(() => refusal(guard, 'Bearer wrong-guess-wrong-guess').status);
    expect(statuses).toEqual([401, 401, 401]);

    guard.clock.now = 15_000;
    const locked = refusal(guard, `Bearer ${TOKEN}`);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('45');
    expect(locked.body.error.code).toBe('admin_auth_locked');
    // Another address is unaffected.
    expect(guard.canActivate(requestWith(`Bearer ${TOKEN}`, '10.0.0.2'))).toBe(true);

    guard.clock.now = 60_000;
    expect(guard.canActivate(requestWith(`Bearer ${TOKEN}`))).toBe(true);
  });

  it('logs one warning per lockout, not one per refused request', () => {
    const guard = guardWith(TOKEN);
    for (let i = 0; i < 10; i += 1) refusal(guard, 'Bearer wrong-guess-wrong-guess');
    expect(guard.warnings).toEqual(['admin endpoints refuse 10.0.0.1 for 60000 ms: 3 wrong admin tokens']);
  });

  it('checks a request outside Nest routing the same way, with the same lockout', () => {
    const guard = guardWith(TOKEN);
    expect(() =>
      guard.authorize({ ip: '10.0.0.1', headers: { authorization: `Bearer ${TOKEN}` } }),
    ).not.toThrow();
    for (let i = 0; i < 3; i += 1) {
      expect(() =>
        guard.authorize({ ip: '10.0.0.1', headers: { authorization: 'Bearer wrong-guess-wrong' } }),
      ).toThrow('the admin token is wrong');
    }
    expect(refusal(guard, `Bearer ${TOKEN}`).status).toBe(429);
  });

  it('does not count a request without a token as a guess', () => {
    const guard = guardWith(TOKEN);
    for (let i = 0; i < 5; i += 1) expect(refusal(guard, undefined).status).toBe(401);
    expect(guard.canActivate(requestWith(`Bearer ${TOKEN}`))).toBe(true);
  });
});
