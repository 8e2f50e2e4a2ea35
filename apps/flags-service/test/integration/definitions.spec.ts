import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { compileFlag, type Evaluation, type Flag } from '@platform/flags';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import type { AuditEntryJson, FlagJson, SegmentJson } from '../../src/flags/flag.js';
import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

type FlagResponse = FlagJson & ErrorBody;
type EvaluationResponse = Evaluation & { key: string; version: number } & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

const rollout = (percent: number): Omit<Flag, 'key'> => ({
  description: 'The new checkout',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
      serve: { variant: 'on' },
    },
    { id: 'beta', conditions: [{ segment: 'beta-testers' }], serve: { variant: 'on' } },
  ],
  defaultRule: {
    rollout: [
      { variant: 'on', weight: percent },
      { variant: 'off', weight: 100 - percent },
    ],
  },
});

describe('flag definitions: rules, segments, sticky rollouts, audit', () => {
  const services = new TestServices();
  let database: TestDatabase;
  let flags: FlagsServiceInstance;

  const put = (path: string, json: unknown, headers: Record<string, string> = admin) =>
    requestJson<FlagResponse>(`${flags.url}${path}`, { method: 'PUT', json, headers });
  const evaluateAt = (key: string, context: Record<string, string>) =>
    requestJson<EvaluationResponse>(`${flags.url}/flags/${key}/evaluate`, {
      method: 'POST',
      json: { context },
    });
  const audit = (key: string) =>
    requestJson<{ entries: AuditEntryJson[] } & ErrorBody>(`${flags.url}/flags/${key}/audit`);

  beforeAll(async () => {
    database = await createTestDatabase('flags_definitions');
    flags = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-definitions'),
        instanceId: 'flags-d',
        databaseUrl: database.url,
      }),
    );
    const segment = await put('/segments/beta-testers', { includedUserIds: ['beta-1', 'beta-2'] });
    expect(segment.status).toBe(201);
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('serves rules in order, then a sticky rollout; raising it 30% → 50% keeps every user who had it', async () => {
    expect((await put('/flags/checkout', rollout(30))).status).toBe(201);
    expect(await evaluateAt('checkout', { userId: 'x', email: 'ada@example.com' })).toMatchObject({
      status: 200,
      body: { value: true, variant: 'on', reason: 'rule_match', ruleId: 'staff', version: 1 },
    });
    expect((await evaluateAt('checkout', { userId: 'beta-2' })).body).toMatchObject({
      ruleId: 'beta',
      value: true,
    });

    const users = Array.from({ length: 2_000 }, (_, i) => `user-${i}`);
    const at30 = new Map<string, boolean>();
    for (const userId of users)
      at30.set(userId, (await evaluateAt('checkout', { userId })).body.value === true);
    const on30 = [...at30.values()].filter(Boolean).length;
    expect(Math.abs(on30 / users.length - 0.3)).toBeLessThan(0.035);

    expect((await put('/flags/checkout', rollout(50))).status).toBe(200);
    let on50 = 0;
    for (const userId of users) {
      const { body } = await evaluateAt('checkout', { userId });
      if (at30.get(userId)) expect({ userId, value: body.value }).toEqual({ userId, value: true });
      if (body.value === true) on50++;
    }
    expect(Math.abs(on50 / users.length - 0.5)).toBeLessThan(0.035);

    // The service and an in-process copy of the same definition agree, user by user.
    const stored = (await requestJson<FlagJson>(`${flags.url}/flags/checkout`)).body;
    const local = compileFlag(
      { key: 'checkout', ...rollout(50) },
      new Map([['beta-testers', { key: 'beta-testers', includedUserIds: ['beta-1', 'beta-2'] }]]),
    );
    expect(stored.version).toBe(2);
    for (const userId of users.slice(0, 200))
      expect((await evaluateAt('checkout', { userId })).body.value).toBe(local.evaluate({ userId }).value);
  }, 120_000);

  it('turns a flag off for everyone with the kill switch, keeping its rules', async () => {
    await put('/flags/killable', rollout(100));
    const off = await put('/flags/killable', { enabled: false });

    expect(off.body).toMatchObject({ enabled: false, rules: rollout(100).rules });
    expect((await evaluateAt('killable', { userId: 'anyone', email: 'ada@example.com' })).body).toMatchObject(
      {
        value: false,
        reason: 'disabled',
      },
    );
  });

  it.each<[string, unknown, string]>([
    [
      'an unknown operator',
      {
        ...rollout(30),
        rules: [
          { conditions: [{ attribute: 'a', operator: 'between', values: [1] }], serve: { variant: 'on' } },
        ],
      },
      'rules[0].conditions[0].operator',
    ],
    [
      'weights that do not sum to 100',
      {
        ...rollout(30),
        defaultRule: {
          rollout: [
            { variant: 'on', weight: 30 },
            { variant: 'off', weight: 60 },
          ],
        },
      },
      'must sum to 100',
    ],
    [
      'a percentage above 100',
      {
        ...rollout(30),
        defaultRule: {
          rollout: [
            { variant: 'on', weight: 130 },
            { variant: 'off', weight: -30 },
          ],
        },
      },
      'defaultRule.rollout',
    ],
    ['an offVariant that is not a variant', { ...rollout(30), offVariant: 'maybe' }, 'offVariant'],
    [
      'an unknown segment',
      { ...rollout(30), rules: [{ conditions: [{ segment: 'nobody' }], serve: { variant: 'on' } }] },
      'nobody',
    ],
    ['an unknown field', { ...rollout(30), owner: 'team-a' }, 'owner'],
    ['another key in the body', { ...rollout(30), key: 'other' }, 'is not the flag key'],
  ])('answers 400 for %s, naming it, and stores nothing', async (_case, definition, message) => {
    await put('/flags/guarded-definition', rollout(30));
    const before = await requestJson<FlagJson>(`${flags.url}/flags/guarded-definition`);
    const entries = (await audit('guarded-definition')).body.entries.length;

    const { status, body } = await put('/flags/guarded-definition', definition);

    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
    expect((await requestJson<FlagJson>(`${flags.url}/flags/guarded-definition`)).body).toEqual(before.body);
    expect((await audit('guarded-definition')).body.entries).toHaveLength(entries);
  });

  it('needs the admin token to change or delete, not to read or evaluate', async () => {
    expect((await put('/flags/locked', { enabled: true }, {})).status).toBe(401);
    expect((await put('/segments/locked', {}, {})).status).toBe(401);
    expect((await requestJson(`${flags.url}/flags/checkout`, { method: 'DELETE' })).status).toBe(401);
    expect((await requestJson(`${flags.url}/flags/locked`)).status).toBe(404);
  });

  it('records every change in the audit log: who, when, before and after; a delete too', async () => {
    await put('/flags/audited', { enabled: true }, { ...admin, 'x-actor': 'ada@example.com' });
    await put(
      '/flags/audited',
      { enabled: false, description: 'off for now' },
      { ...admin, 'x-actor': 'Grace Hopper' },
    );
    const deleted = await requestJson(`${flags.url}/flags/audited`, { method: 'DELETE', headers: admin });

    expect(deleted.status).toBe(204);
    expect((await requestJson(`${flags.url}/flags/audited`)).status).toBe(404);
    const { body } = await audit('audited');
    expect(body.entries.map((e) => [e.version, e.action, e.actor])).toEqual([
      [1, 'create', 'ada@example.com'],
      [2, 'update', 'Grace Hopper'],
      [3, 'delete', 'admin'],
    ]);
    expect(body.entries[0]).toMatchObject({ before: null, after: { enabled: true } });
    expect(body.entries[1]).toMatchObject({
      before: { enabled: true },
      after: { enabled: false, description: 'off for now' },
    });
    expect(body.entries[2]).toMatchObject({ before: { enabled: false }, after: null });
    expect(
      (await put('/flags/audited2', { enabled: true }, { ...admin, 'x-actor': 'x'.repeat(101) })).status,
    ).toBe(400);
  });

  it('refuses to delete a segment a flag still uses (409), and deletes it once no flag does', async () => {
    const inUse = await requestJson<ErrorBody>(`${flags.url}/segments/beta-testers`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('checkout');

    await put('/segments/temporary', { includedUserIds: ['u-1'] });
    const gone = await requestJson(`${flags.url}/segments/temporary`, { method: 'DELETE', headers: admin });
    expect(gone.status).toBe(204);
    expect((await requestJson<SegmentJson>(`${flags.url}/segments/temporary`)).status).toBe(404);
    expect((await put('/segments/bad', { includedUserIds: 'u-1' })).status).toBe(400);
    const renamed = await put('/segments/renamed', { key: 'other', includedUserIds: ['u-1'] });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toContain('is not the segment key renamed');
  });

  it('answers 404 to evaluating a flag that does not exist, and 400 to a context that is not attributes', async () => {
    expect((await evaluateAt('never-made', { userId: 'u' })).status).toBe(404);
    const bad = await requestJson<ErrorBody>(`${flags.url}/flags/checkout/evaluate`, {
      method: 'POST',
      json: { context: { userId: { nested: true } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('must be a string, a number or true/false');
  });
});
