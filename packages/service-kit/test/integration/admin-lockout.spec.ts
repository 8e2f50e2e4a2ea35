import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  ADMIN_TOKEN,
  requestFrom,
  startEdgeService,
  type EdgeService,
  type SimpleResponse,
} from './support/edge-service.js';

describe('admin authentication lockout, over HTTP', () => {
  let edge: EdgeService;
  beforeAll(async () => {
    edge = await startEdgeService({ ADMIN_AUTH_MAX_FAILURES: '5', ADMIN_AUTH_WINDOW_MS: '60000' });
  });
  afterAll(async () => {
    await edge.service.shutdown('test over');
  });

  const admin = (from: string, token: string): Promise<SimpleResponse> =>
    requestFrom(from, edge.port, {
      method: 'POST',
      path: '/edge/admin',
      headers: { authorization: `Bearer ${token}` },
    });

  it('refuses a guessing address with 429 + Retry-After, even with the right token; others go on', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      guesses.push((await admin('127.0.0.3', `guess-number-${i}-of-many`)).status);
    expect(guesses).toEqual([401, 401, 401, 401, 401]);

    const locked = await admin('127.0.0.3', ADMIN_TOKEN);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(55);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(locked.body)).toMatchObject({ error: { code: 'admin_auth_locked' } });

    const other = await admin('127.0.0.4', ADMIN_TOKEN);
    expect(other.status).toBe(201);

    // More attempts while locked out: still refused, and the lockout is logged once.
    for (let i = 0; i < 5; i += 1) expect((await admin('127.0.0.3', 'another-guess-1234')).status).toBe(429);
    const warnings = edge.logs().filter((line) => line['level'] === 'warn' && line['client'] === '127.0.0.3');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.['msg']).toBe('admin endpoints refuse 127.0.0.3 for 60000 ms: 5 wrong admin tokens');
  });

  it('counts every guarded route against one limit per process', async () => {
    // /admin/faults is guarded in another Nest module than /edge/admin.
    const faults = (token: string) =>
      requestFrom('127.0.0.5', edge.port, {
        method: 'DELETE',
        path: '/admin/faults',
        headers: { authorization: `Bearer ${token}` },
      });
    for (let i = 0; i < 3; i += 1) expect((await faults('wrong-wrong-wrong-wrong')).status).toBe(401);
    for (let i = 0; i < 2; i += 1)
      expect((await admin('127.0.0.5', 'wrong-wrong-wrong-wrong')).status).toBe(401);
    expect((await faults(ADMIN_TOKEN)).status).toBe(429);
  });
});
