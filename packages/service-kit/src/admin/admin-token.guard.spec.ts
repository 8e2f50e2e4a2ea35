import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Registry } from 'prom-client';

import { baseEnvSchema } from '../config/base-env.schema.js';
import { loadConfig } from '../config/load-config.js';
import { toErrorResponse } from '../errors/error-response.js';
import { ServiceContext } from '../service-context.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const TOKEN = 'a-long-enough-admin-token';

function guardWith(adminToken: string | undefined): AdminTokenGuard {
  const config = loadConfig(baseEnvSchema, {
    PORT: '0',
    KAFKA_BROKERS: '127.0.0.1:9092',
    ADMIN_TOKEN: adminToken,
  });
  return new AdminTokenGuard(
    new ServiceContext('users', 'users-1', config, pino({ level: 'silent' }), new Registry()),
  );
}

/** What the guard sees of an HTTP request that sent `authorization`. */
function requestWith(authorization: string | undefined): ExecutionContext {
  const headers = authorization === undefined ? {} : { authorization };
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

/** The HTTP answer a caller gets when the guard refuses. */
function refusal(guard: AdminTokenGuard, authorization: string | undefined) {
  try {
    guard.canActivate(requestWith(authorization));
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
});
