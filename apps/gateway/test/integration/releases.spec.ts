import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import { reportFigure } from '../admin-client.js';
import { ADMIN_HEADERS, gateway, registryOf, type GatewayInstance } from '../gateway.harness.js';
import type { Release } from '../../src/releases/release.js';

const STABLE = '1.0.0';
const CANDIDATE = '2.0.0';
const USERS = Array.from({ length: 120 }, (_, i) => `user-${i + 1}`);
/**
 * Fast analysis for the test: a window a second, judged from 10 requests a side. Every instance
 * shares this test process, so latency here says more about the event loop than about a version:
 * only a gross slowdown counts (the latency verdict has unit tests of its own).
 */
const ANALYSIS = { intervalMs: 1_000, minRequests: 10, maxLatencyRatio: 5, latencyToleranceMs: 250 };

describe('releases through the gateway: canary, blue-green, stickiness and rollback', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-releases');
  const releasesTopic = uniqueTopic('gateway-releases-store');
  let database: TestDatabase;
  let edge: GatewayInstance;
  let candidateUrl: string;
  let candidateInstance: { shutdown(reason: string): Promise<void> };

  const releaseApi = (service: string, suffix = '', method = 'GET', json?: unknown) =>
    requestJson<Release & ErrorBody>(`${edge.url}/admin/releases/${service}${suffix}`, {
      method,
      json,
      headers: { ...ADMIN_HEADERS, 'x-actor': 'release test' },
    });

  /** One request as a user: the version that answered, or `failed`. */
  async function call(user: string | undefined, headers: Record<string, string> = {}) {
    const response = await fetch(`${edge.url}/api/ids/snowflake`, {
      method: 'POST',
      headers: { ...(user ? { 'x-user-id': user } : {}), ...headers },
    });
    await response.arrayBuffer();
    return {
      status: response.status,
      version: response.headers.get('x-served-version') ?? 'none',
      setCookie: response.headers.get('set-cookie'),
    };
  }

  /** Every user in turn, round after round, until `done` says so; each user's answers in order. */
  async function usersUntil(done: () => boolean | Promise<boolean>, maxRounds = 400) {
    const seen = new Map<string, { version: string; status: number }[]>(USERS.map((u) => [u, []]));
    for (let round = 0; round < maxRounds; round++) {
      await Promise.all(
        USERS.map(async (user) => {
          const { version, status } = await call(user);
          seen.get(user)!.push({ version, status });
        }),
      );
      if (await done()) return seen;
    }
    throw new Error(`the release did not end within ${maxRounds} rounds`);
  }

  /** The versions a user saw, with consecutive repeats collapsed: [2.0.0, 1.0.0] is one switch. */
  function switches(answers: readonly { version: string }[]): string[] {
    return answers.map((a) => a.version).filter((version, i, all) => i === 0 || all[i - 1] !== version);
  }

  async function faults(settings: unknown) {
    const response = await requestJson(`${candidateUrl}/admin/faults`, {
      method: settings === null ? 'DELETE' : 'PUT',
      json: settings ?? undefined,
      headers: ADMIN_HEADERS,
    });
    expect(response.status).toBeLessThan(300);
  }

  beforeAll(async () => {
    database = await createTestDatabase('gateway_releases_ids');
    const env = { RELEASES_TOPIC: releasesTopic, RATE_LIMIT_PER_SECOND: '0' };
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-releases', env }));
    await services.start(
      idService({
        registryTopic,
        instanceId: 'id-stable',
        databaseUrl: database.url,
        env: { SERVICE_VERSION: STABLE },
      }),
    );
    const candidate = await services.start(
      idService({
        registryTopic,
        instanceId: 'id-canary',
        databaseUrl: database.url,
        env: { SERVICE_VERSION: CANDIDATE, SERVICE_TRACK: 'canary', FAULTS_ENABLED: 'true' },
      }),
    );
    candidateUrl = candidate.url;
    candidateInstance = candidate;
    await eventually(async () => {
      const listed = (await registryOf(edge)).services['id-service'] ?? [];
      expect(listed.map((i) => `${i.instanceId} ${i.version} ${i.track}`).sort()).toEqual([
        `id-canary ${CANDIDATE} canary`,
        `id-stable ${STABLE} stable`,
      ]);
    });
  }, 90_000);

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('rejects a bad release with 400 and stores nothing; 409 when a version has no instance', async () => {
    for (const [body, field] of [
      [{ strategy: 'big-bang', stable: STABLE, candidate: CANDIDATE }, 'strategy'],
      [{ strategy: 'canary', stable: STABLE, candidate: STABLE }, 'candidate'],
      [{ strategy: 'canary', stable: STABLE, candidate: CANDIDATE, steps: [50, 20, 100] }, 'steps'],
      [{ strategy: 'canary', stable: STABLE, candidate: CANDIDATE, steps: [10, 150] }, 'steps.1'],
      [
        { strategy: 'canary', stable: STABLE, candidate: CANDIDATE, analysis: { intervalMs: 5 } },
        'analysis.intervalMs',
      ],
      [{ strategy: 'blue-green', stable: STABLE, candidate: CANDIDATE, steps: [100] }, 'steps'],
      [{ strategy: 'canary', stable: STABLE, candidate: CANDIDATE, colour: 'blue' }, ''],
    ] as const) {
      const response = await releaseApi('id-service', '', 'PUT', body);
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    }
    expect((await releaseApi('id-service')).status).toBe(404);

    const missing = await releaseApi('id-service', '', 'PUT', {
      strategy: 'canary',
      stable: STABLE,
      candidate: '9.9.9',
    });
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toContain('no live instance of id-service at version 9.9.9');
    expect((await releaseApi('id-service')).status).toBe(404);
    const unauthenticated = await requestJson(`${edge.url}/admin/releases`);
    expect(unauthenticated.status).toBe(401);
  });

  it('keeps each user, and each anonymous client by its cookie, on one version while the weight holds', async () => {
    const started = await releaseApi('id-service', '', 'PUT', {
      strategy: 'canary',
      stable: STABLE,
      candidate: CANDIDATE,
      steps: [50, 100],
      analysis: { ...ANALYSIS, automatic: false },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ phase: 'progressing', weight: 50, revision: 1 });
    const second = await releaseApi('id-service', '', 'PUT', {
      strategy: 'canary',
      stable: STABLE,
      candidate: CANDIDATE,
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('release_in_progress');

    let rounds = 0;
    const seen = await usersUntil(() => ++rounds === 5);
    for (const answers of seen.values()) expect(switches(answers)).toHaveLength(1);
    const onCanary = [...seen.values()].filter((answers) => answers[0]!.version === CANDIDATE).length;
    expect(onCanary / USERS.length).toBeGreaterThan(0.3);
    expect(onCanary / USERS.length).toBeLessThan(0.7);

    // Anonymous clients: the first answer names them with a cookie; sent back, it keeps their version.
    const anonymous = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const first = await call(undefined);
        expect(first.setCookie).toMatch(
          /^platform_uid=[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
        );
        const cookie = first.setCookie!.split(';')[0]!;
        const versions = [first.version];
        for (let i = 0; i < 8; i++) {
          const next = await call(undefined, { cookie });
          expect(next.setCookie).toBeNull();
          versions.push(next.version);
        }
        return versions;
      }),
    );
    for (const versions of anonymous) expect(new Set(versions).size).toBe(1);
    expect(new Set(anonymous.map((versions) => versions[0])).size).toBe(2);

    const aborted = await releaseApi('id-service', '/abort', 'POST');
    expect(aborted.body).toMatchObject({ phase: 'aborted', weight: 0 });
    expect(aborted.body.history.at(-1)?.reason).toBe('aborted by release test');
    for (const user of USERS.slice(0, 20)) expect((await call(user)).version).toBe(STABLE);
  });

  it('rolls a failing canary back by itself, and no user sees the versions alternate', async () => {
    await faults({ errors: { share: 0.5, status: 503 } });
    const started = await releaseApi('id-service', '', 'PUT', {
      strategy: 'canary',
      stable: STABLE,
      candidate: CANDIDATE,
      steps: [20, 50, 100],
      analysis: ANALYSIS,
    });
    expect(started.status).toBe(201);
    const startedAt = Date.now();
    let rolledBackAt = 0;
    const seen = await usersUntil(async () => {
      if (rolledBackAt === 0 && (await releaseApi('id-service')).body.phase !== 'progressing')
        rolledBackAt = Date.now();
      // A few more rounds after the rollback, to see where every user ends up.
      return rolledBackAt > 0 && Date.now() - rolledBackAt > 300;
    });
    const release = (await releaseApi('id-service')).body;
    expect(release.phase).toBe('rolled-back');
    expect(release.weight).toBe(0);
    expect(release.history.at(-1)?.reason).toMatch(
      /^rolled back: candidate error rate \d+\.\d% \(\d+\/\d+\) vs stable 0\.0%/,
    );
    expect(release.lastAnalysis?.verdict).toBe('rollback');

    let exposed = 0;
    for (const [user, answers] of seen) {
      const path = switches(answers);
      // Canary users: 2.0.0 until the rollback, then 1.0.0 for good. Everyone else: 1.0.0 only.
      expect([[STABLE], [CANDIDATE, STABLE]]).toContainEqual(path);
      if (path[0] === CANDIDATE) exposed++;
      expect(answers.at(-1)).toEqual({ version: STABLE, status: 200 });
      if (path.length > 2) throw new Error(`${user} alternated: ${path.join(' → ')}`);
    }
    expect(exposed).toBeGreaterThan(0);
    expect(exposed).toBeLessThan(USERS.length * 0.4);
    reportFigure(
      'canary with 50% errors rolled back',
      `${rolledBackAt - startedAt} ms after start; ${exposed}/${USERS.length} users had seen it`,
    );
    await faults(null);
  });

  it('raises a healthy canary step by step to promotion, never moving a canary user back', async () => {
    const started = await releaseApi('id-service', '', 'PUT', {
      strategy: 'canary',
      stable: STABLE,
      candidate: CANDIDATE,
      steps: [20, 50, 100],
      analysis: ANALYSIS,
    });
    expect(started.status).toBe(201);
    const seen = await usersUntil(async () => (await releaseApi('id-service')).body.phase !== 'progressing');
    const release = (await releaseApi('id-service')).body;
    if (release.phase !== 'promoted') throw new Error(`not promoted: ${JSON.stringify(release.history)}`);
    expect(release.history.map((entry) => `${entry.phase} ${entry.weight}`)).toEqual([
      'progressing 20',
      'progressing 50',
      'promoted 100',
    ]);
    expect(release.history[1]?.reason).toMatch(/^raised to 50%: candidate healthy/);
    for (const answers of seen.values()) {
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect([[STABLE], [CANDIDATE], [STABLE, CANDIDATE]]).toContainEqual(switches(answers));
    }
    for (const user of USERS.slice(0, 20)) expect((await call(user)).version).toBe(CANDIDATE);
  });

  it('switches everyone at once in a blue-green release and back at once on abort; a new gateway reads it from Kafka', async () => {
    // Now 2.0.0 is stable; release 1.0.0 as the "green" one, then take it back.
    const switched = await releaseApi('id-service', '', 'PUT', {
      strategy: 'blue-green',
      stable: CANDIDATE,
      candidate: STABLE,
    });
    expect(switched.status).toBe(201);
    expect(switched.body).toMatchObject({ phase: 'progressing', weight: 100 });
    const during = await Promise.all(USERS.map((user) => call(user)));
    expect(new Set(during.map((answer) => answer.version))).toEqual(new Set([STABLE]));

    // A gateway started now has never seen the release being made: it reads it from the topic.
    const late = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-releases-late',
        env: { RELEASES_TOPIC: releasesTopic, RATE_LIMIT_PER_SECOND: '0' },
      }),
    );
    const lateListing = await requestJson<{ releases: Release[] }>(`${late.url}/admin/releases`, {
      headers: ADMIN_HEADERS,
    });
    expect(lateListing.body.releases.map((r) => `${r.service} ${r.strategy} ${r.phase}`)).toEqual([
      'id-service blue-green progressing',
    ]);

    const aborted = await releaseApi('id-service', '/abort', 'POST');
    expect(aborted.body.phase).toBe('aborted');
    const after = await Promise.all(USERS.map((user) => call(user)));
    expect(new Set(after.map((answer) => answer.version))).toEqual(new Set([CANDIDATE]));
    await eventually(async () => {
      const response = await fetch(`${late.url}/api/ids/snowflake`, { method: 'POST' });
      await response.arrayBuffer();
      expect(response.headers.get('x-served-version')).toBe(CANDIDATE);
    });
    const finished = await releaseApi('id-service', '/promote', 'POST');
    expect(finished.status).toBe(409);
    expect(finished.body.error.code).toBe('release_finished');
  });

  it('answers a request its release pins to a version no instance runs with that release and the command that fixes it', async () => {
    // The blue-green release aborted above pins every request to 2.0.0; its only instance goes away.
    await candidateInstance.shutdown('the pinned version goes away');
    await eventually(async () => {
      const response = await requestJson<ErrorBody>(`${edge.url}/api/ids/snowflake`, { method: 'POST' });
      expect(response.status).toBe(503);
      expect(response.body.error).toMatchObject({
        code: 'no_instances',
        message:
          `no live instance of id-service at version ${CANDIDATE} is in the registry, and its aborted ` +
          `blue-green release ${CANDIDATE} → ${STABLE} sends every request there; run id-service at ` +
          `${CANDIDATE} again: npm run release -- start id-service --strategy rolling --version ${CANDIDATE} ` +
          '(npm run status shows what runs)',
      });
    });
  });
});
