import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type JsonRequest,
  type TestDatabase,
} from '@platform/testing';

import type { FlagJson } from '../../src/flags/flag.js';
import { FlagsController } from '../../src/flags/flags.controller.js';
import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

type FlagResponse = FlagJson & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe(FlagsController.name, () => {
  const services = new TestServices();
  let database: TestDatabase;
  let flags: FlagsServiceInstance;

  const put = (key: string, request: JsonRequest) =>
    requestJson<FlagResponse>(`${flags.url}/flags/${key}`, {
      method: 'PUT',
      ...request,
      headers: { ...admin, ...request.headers },
    });
  const get = (key: string) => requestJson<FlagResponse>(`${flags.url}/flags/${key}`);
  const list = () => requestJson<{ flags: FlagJson[] }>(`${flags.url}/flags`);

  beforeAll(async () => {
    database = await createTestDatabase('flags_service');
    flags = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-service'),
        instanceId: 'flags-a',
        databaseUrl: database.url,
      }),
    );
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('creates a flag with PUT (201), then replaces it (200) keeping the description when none is sent', async () => {
    const created = await put('new-checkout', {
      json: { enabled: true, description: 'The new checkout flow' },
    });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      key: 'new-checkout',
      enabled: true,
      description: 'The new checkout flow',
      variants: { on: true, off: false },
      offVariant: 'off',
      defaultRule: { variant: 'on' },
      version: 1,
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });

    const replaced = await put('new-checkout', { json: { enabled: false } });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      key: 'new-checkout',
      enabled: false,
      description: 'The new checkout flow',
      version: 2,
      createdAt: created.body.createdAt,
    });
    expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
  });

  it('replaces the description when one is sent, and stores a flag without one', async () => {
    await put('dark-mode', { json: { enabled: true, description: 'old words' } });

    const replaced = await put('dark-mode', { json: { enabled: true, description: 'new words' } });
    const bare = await put('bare', { json: { enabled: false } });

    expect(replaced.body.description).toBe('new words');
    expect(bare.status).toBe(201);
    expect(bare.body).not.toHaveProperty('description');
  });

  it('returns one flag by key, as the last PUT left it', async () => {
    const written = await put('search-v2', { json: { enabled: true, description: 'Search, second try' } });

    const { status, body } = await get('search-v2');

    expect(status).toBe(200);
    expect(body).toEqual(written.body);
  });

  it('lists every flag sorted by key', async () => {
    for (const key of ['zeta', 'ab', 'a-c', 'a.c', 'a_c', '0-day', 'a9']) {
      await put(key, { json: { enabled: true } });
    }

    const { status, body } = await list();

    expect(status).toBe(200);
    const keys = body.flags.map((flag) => flag.key);
    expect(keys).toEqual(
      expect.arrayContaining(['zeta', 'ab', 'a-c', 'a.c', 'a_c', '0-day', 'a9', 'new-checkout']),
    );
    expect(keys).toEqual([...keys].sort());
  });

  it('answers 404 flag_not_found for a key no flag has', async () => {
    const { status, body } = await get('never-created');

    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'flag_not_found', message: 'no flag has key never-created' });
  });

  it('takes a key of up to 100 characters and refuses a longer one', async () => {
    const longest = await put('k'.repeat(100), { json: { enabled: true } });
    const tooLong = await put('k'.repeat(101), { json: { enabled: true } });

    expect(longest.status).toBe(201);
    // Fastify refuses an over-long path parameter before routing: 414, in the platform's error shape.
    expect(tooLong.status).toBe(414);
    expect(tooLong.body.error).toMatchObject({ code: 'uri_too_long' });
    expect((await get('k'.repeat(100))).status).toBe(200);
  });

  it.each(['Upper-case', '-leading-dash', 'has%20space', 'caf%C3%A9', 'semi%3Bcolon'])(
    'answers 400 for the flag key %s, on GET and on PUT, and stores nothing',
    async (key) => {
      const before = (await list()).body.flags.length;

      const read = await get(key);
      const write = await put(key, { json: { enabled: true } });

      for (const { status, body } of [read, write]) {
        expect(status).toBe(400);
        expect(body.error.code).toBe('validation_failed');
        expect(body.error.message).toContain('invalid flag key: must be 1-100 lower-case letters');
      }
      expect((await list()).body.flags).toHaveLength(before);
    },
  );

  it.each<[string, JsonRequest, string]>([
    ['no enabled', { json: { description: 'x' } }, 'enabled is required and must be true or false'],
    ['enabled as a string', { json: { enabled: 'true' } }, 'enabled is required and must be true or false'],
    ['description as a number', { json: { enabled: true, description: 5 } }, 'description must be a string'],
    [
      'a description too long',
      { json: { enabled: true, description: 'x'.repeat(501) } },
      'description must be at most 500 characters',
    ],
    ['an array body', { json: [true] }, 'the body must be a JSON object'],
    ['no body at all', {}, 'the body must be a JSON object'],
  ])(
    'answers 400 JSON naming the problem for %s, and leaves the flag as it was',
    async (_case, request, message) => {
      await put('guarded', { json: { enabled: false, description: 'must not change' } });
      const before = await get('guarded');

      const { status, headers, body } = await put('guarded', request);

      expect(status).toBe(400);
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.message).toContain(message);
      expect((await get('guarded')).body).toEqual(before.body);
    },
  );

  it('answers 400 JSON for a body that is not valid JSON', async () => {
    const { status, body } = await put('guarded', {
      rawBody: '{"enabled": tru',
      headers: { 'content-type': 'application/json' },
    });

    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/JSON/i);
  });
});
