import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { Evaluation, Flag } from '@platform/flags';
import { createPool, type Pool } from '@platform/postgres';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import type { AuditEntryJson, FlagJson } from '../../src/flags/flag.js';
import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

type EvaluationResponse = Evaluation & { key: string; version: number } & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** On for contexts whose email matches `pattern`, and for members of `segment` if given; off otherwise. */
const staffFlag = (pattern: string, segment?: string): Omit<Flag, 'key'> => ({
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'matches', values: [pattern] }],
      serve: { variant: 'on' },
    },
    ...(segment ? [{ id: 'members', conditions: [{ segment }], serve: { variant: 'on' as const } }] : []),
  ],
  defaultRule: { variant: 'off' },
});

// Two instances on one database: `a` takes the writes, `b` only hears of them.
describe('POST /flags/{key}/evaluate from flags compiled once per version', () => {
  const services = new TestServices();
  let database: TestDatabase;
  let pool: Pool;
  let a: FlagsServiceInstance;
  let b: FlagsServiceInstance;

  const put = (on: FlagsServiceInstance, path: string, json: unknown) =>
    requestJson<FlagJson & ErrorBody>(`${on.url}${path}`, { method: 'PUT', json, headers: admin });
  const evaluateAt = (on: FlagsServiceInstance, key: string, context: Record<string, string>) =>
    requestJson<EvaluationResponse>(`${on.url}/flags/${key}/evaluate`, { method: 'POST', json: { context } });
  const served = async (on: FlagsServiceInstance, key: string, context: Record<string, string>) => {
    const { status, body } = await evaluateAt(on, key, context);
    return `${status} ${body.variant} v${body.version}`;
  };

  beforeAll(async () => {
    database = await createTestDatabase('flags_evaluation');
    pool = createPool({ connectionString: database.url, applicationName: 'flags-evaluation-test' });
    const options = { registryTopic: uniqueTopic('flags-evaluation'), databaseUrl: database.url };
    a = await services.start(flagsService({ ...options, instanceId: 'flags-ea' }));
    b = await services.start(flagsService({ ...options, instanceId: 'flags-eb' }));
  });

  afterAll(async () => {
    await services.stopAll();
    await pool?.end();
    await database?.drop();
  });

  /** Runs `during` while the flags table is locked: every query reading a flag hangs until it ends. */
  async function withFlagsTableLocked<T>(during: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE flags IN ACCESS EXCLUSIVE MODE');
      return await during();
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('answers from the compiled flag with no query, and the instance that took a change answers it next', async () => {
    expect((await put(a, '/flags/staff', staffFlag('@example\\.com$'))).status).toBe(201);
    expect(await served(a, 'staff', { email: 'ada@example.com' })).toBe('200 on v1');

    // Held: it answers even while nothing can read the flags table.
    const whileLocked = await withFlagsTableLocked(() => served(a, 'staff', { email: 'ada@example.com' }));
    expect(whileLocked).toBe('200 on v1');

    expect((await put(a, '/flags/staff', staffFlag('@corp\\.com$'))).status).toBe(200);
    expect(await served(a, 'staff', { email: 'ada@example.com' })).toBe('200 off v2'); // read-your-writes
    expect(await served(a, 'staff', { email: 'bo@corp.com' })).toBe('200 on v2');
  });

  it('recompiles a flag when a segment it uses changes, on the instance that took the change at once', async () => {
    await put(a, '/segments/pilots', { includedUserIds: ['u-1'] });
    await put(a, '/flags/pilot', staffFlag('^$', 'pilots'));
    expect(await served(a, 'pilot', { userId: 'u-2' })).toBe('200 off v1');

    await put(a, '/segments/pilots', { includedUserIds: ['u-1', 'u-2'] });

    expect(await served(a, 'pilot', { userId: 'u-2' })).toBe('200 on v1');
  });

  it('drops a change made on another instance within moments, told by PostgreSQL', async () => {
    await put(a, '/flags/shared', staffFlag('@example\\.com$'));
    expect(await served(b, 'shared', { email: 'ada@example.com' })).toBe('200 on v1');

    const changedAt = Date.now();
    await put(a, '/flags/shared', staffFlag('@corp\\.com$'));
    await eventually(
      async () => expect(await served(b, 'shared', { email: 'ada@example.com' })).toBe('200 off v2'),
      {
        intervalMs: 5,
      },
    );
    process.stdout.write(
      `  [measured] PUT on one instance → another answers the new version: ${Date.now() - changedAt} ms\n`,
    );

    await requestJson(`${a.url}/flags/shared`, { method: 'DELETE', headers: admin });
    await eventually(async () => expect((await evaluateAt(b, 'shared', {})).status).toBe(404));
  });

  it('keeps answering the flags it holds while its database hangs, and 503 for one it does not hold', async () => {
    await put(a, '/flags/held', staffFlag('@example\\.com$'));
    await put(a, '/flags/not-held', staffFlag('@example\\.com$'));
    expect(await served(b, 'held', { email: 'ada@example.com' })).toBe('200 on v1');

    const [held, notHeld] = await withFlagsTableLocked(async () => {
      const started = Date.now();
      const answer = await served(b, 'held', { email: 'ada@example.com' });
      const heldMs = Date.now() - started;
      const missing = await evaluateAt(b, 'not-held', { email: 'ada@example.com' });
      return [{ answer, heldMs }, missing] as const;
    });

    expect(held.answer).toBe('200 on v1');
    expect(held.heldMs).toBeLessThan(500); // answered from memory, not after a timeout
    expect(notHeld.status).toBe(503);
    expect(notHeld.body.error).toMatchObject({ code: 'flags_unavailable' });
    expect(await served(b, 'not-held', { email: 'ada@example.com' })).toBe('200 on v1'); // the database is back
  });

  it('answers 400 for a pattern RE2 cannot run, naming the field, and stores and changes nothing', async () => {
    await put(a, '/flags/guarded', staffFlag('@example\\.com$'));
    expect(await served(a, 'guarded', { email: 'ada@example.com' })).toBe('200 on v1');
    const audit = async () =>
      (await requestJson<{ entries: AuditEntryJson[] }>(`${a.url}/flags/guarded/audit`)).body.entries.length;
    const entries = await audit();

    const refused = await put(a, '/flags/guarded', staffFlag('^(?!guest)(\\w+)\\1@'));

    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      'rules[0].conditions[0].values[0] is not a pattern RE2 can run: invalid or unsupported Perl syntax: `(?!`',
    );
    expect((await requestJson<FlagJson>(`${a.url}/flags/guarded`)).body.version).toBe(1);
    expect(await audit()).toBe(entries);
    expect(await served(a, 'guarded', { email: 'ada@example.com' })).toBe('200 on v1');
  });

  it('evaluates a definition stored before patterns were checked: that pattern never matches, logged once', async () => {
    const stored = { key: 'legacy', ...staffFlag('^(?=.*admin)') };
    await pool.query('INSERT INTO flags (key, enabled, definition) VALUES ($1, true, $2)', [
      'legacy',
      stored,
    ]);

    expect(await served(a, 'legacy', { email: 'admin@example.com' })).toBe('200 off v1');
    expect(await served(a, 'legacy', { email: 'admin@example.com' })).toBe('200 off v1');
    expect(a.logs.matching('patterns RE2 cannot run')).toEqual([
      expect.objectContaining({
        key: 'legacy',
        version: 1,
        problems: [expect.objectContaining({ field: 'rules[0].conditions[0].values[0]' })],
      }),
    ]);
  });
});
