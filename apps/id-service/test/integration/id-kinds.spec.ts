import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  encodeInstagram,
  encodeObjectId,
  encodeSnowflake,
  encodeUlid,
  encodeUuidV7,
  type InstagramParts,
  type ObjectIdParts,
  type SnowflakeParts,
  type UlidParts,
  type UuidV7Parts,
} from '@platform/ids';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { ID_KINDS } from '../../src/ids/id-kinds.js';
import { IdsController } from '../../src/ids/ids.controller.js';
import { idService, issueIds, type IdServiceInstance } from '../id-service.harness.js';

/** What `GET /ids/{kind}/{id}` answers: the kind, the id, an ISO timestamp and the layout's parts. */
type Decoded = { readonly kind: string; readonly id: string; readonly timestamp: string } & ErrorBody &
  Record<string, unknown>;

interface KindCase {
  readonly kind: string;
  /** Query for `POST /ids/{kind}`, without the count. */
  readonly query: string;
  readonly format: RegExp;
  /** Ids in the order they sort (64-bit ones as numbers). */
  readonly sortKey: (id: string) => bigint | string;
  /** The id built again from the parts GET answered, with the encoder of @platform/ids. */
  readonly encode: (parts: Decoded) => string;
  readonly parts: Record<string, unknown>;
}

const KINDS: readonly KindCase[] = [
  {
    kind: 'snowflake',
    query: '',
    format: /^\d{1,19}$/,
    sortKey: BigInt,
    encode: (parts) => String(encodeSnowflake(parts as unknown as SnowflakeParts)),
    parts: { datacenterId: 0, workerId: expect.any(Number), sequence: expect.any(Number) },
  },
  {
    kind: 'instagram',
    query: '&shard=1234',
    format: /^\d{1,20}$/,
    sortKey: BigInt,
    encode: (parts) => String(encodeInstagram(parts as unknown as InstagramParts)),
    parts: { shard: 1234, sequence: expect.any(Number) },
  },
  {
    kind: 'objectid',
    query: '',
    format: /^[0-9a-f]{24}$/,
    sortKey: String,
    encode: (parts) => encodeObjectId(parts as unknown as ObjectIdParts),
    parts: { processRandom: expect.stringMatching(/^[0-9a-f]{10}$/), counter: expect.any(Number) },
  },
  {
    kind: 'ulid',
    query: '',
    format: /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
    sortKey: String,
    encode: (parts) => encodeUlid(parts as unknown as UlidParts),
    parts: { randomness: expect.stringMatching(/^[0-9a-f]{20}$/) },
  },
  {
    kind: 'uuidv7',
    query: '',
    format: /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    sortKey: String,
    encode: (parts) => encodeUuidV7(parts as unknown as UuidV7Parts),
    parts: { version: 7, variant: '10', counter: expect.any(Number) },
  },
];

describe(`${IdsController.name}: every id kind over HTTP`, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('id-service-kinds');
  let database: TestDatabase;
  let first: IdServiceInstance;
  let second: IdServiceInstance;

  const decode = (kind: string, id: string) =>
    requestJson<Decoded>(`${first.url}/ids/${kind}/${encodeURIComponent(id)}`);

  beforeAll(async () => {
    database = await createTestDatabase('id_service_kinds');
    const options = { registryTopic, databaseUrl: database.url };
    first = await services.start(idService({ ...options, instanceId: 'id-kinds-a' }));
    second = await services.start(idService({ ...options, instanceId: 'id-kinds-b' }));
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('covers every kind the service issues', () => {
    expect(KINDS.map((k) => k.kind)).toEqual([...ID_KINDS]);
  });

  describe.each(KINDS)('$kind', ({ kind, query, format, sortKey, encode, parts }) => {
    it('issues distinct, well-formed ids in the order they sort', async () => {
      const { status, body } = await issueIds(first, kind, `?count=500${query}`);

      expect(status).toBe(200);
      expect(body.ids).toHaveLength(500);
      for (const id of body.ids) expect(id).toMatch(format);
      expect(new Set(body.ids).size).toBe(500);
      const keys = body.ids.map(sortKey);
      expect(keys.every((key, i) => i === 0 || key > keys[i - 1]!)).toBe(true);
    });

    it('decodes an id into its parts, which encode back to the same id', async () => {
      const before = Date.now();
      const { body: issued } = await issueIds(first, kind, `?count=3${query}`);

      for (const id of issued.ids) {
        const { status, body } = await decode(kind, id);
        expect(status).toBe(200);
        expect(body).toMatchObject({ kind, id, ...parts });
        // ObjectIds carry whole seconds.
        expect(Date.parse(body.timestamp)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(Date.parse(body.timestamp)).toBeLessThanOrEqual(Date.now());
        expect(encode(body)).toBe(id);
      }
    });

    it.each([
      ['0', 'count must be at least 1'],
      ['10001', 'count must be at most 10000'],
      ['abc', 'count must be a whole number from 1 to 10000'],
    ])('answers count=%s with 400 saying "%s"', async (count, message) => {
      const { status, body } = await issueIds(first, kind, `?count=${count}${query}`);

      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining(message),
      });
    });
  });

  it.each([
    ['snowflake', 'abc', 'not a valid snowflake id: it must be a decimal number'],
    ['snowflake', '-1', 'not a valid snowflake id: it must be a decimal number'],
    ['snowflake', '9223372036854775808', 'not a valid snowflake id: it does not fit 63 bits'],
    ['instagram', '18446744073709551616', 'not a valid instagram id: it does not fit 64 bits'],
    [
      'objectid',
      '65a1b2c3d4e5f6a7b8c9d0e',
      'not a valid objectid id: an ObjectId is 24 lower-case hex characters',
    ],
    [
      'objectid',
      '65a1b2c3d4e5f6a7b8c9d0zz',
      'not a valid objectid id: an ObjectId is 24 lower-case hex characters',
    ],
    ['ulid', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'not a valid ulid id: a ULID is 26 Crockford base32 characters'],
    ['ulid', '01ARZ3NDEKTSV4RRFFQ69G5FAU', 'not a valid ulid id: a ULID is 26 Crockford base32 characters'],
    [
      'uuidv7',
      '123e4567-e89b-42d3-a456-426614174000',
      'not a valid uuidv7 id: not a version 7 UUID (version 4)',
    ],
    ['uuidv7', 'nope', 'not a valid uuidv7 id: a UUID is 32 lower-case hex digits as 8-4-4-4-12'],
  ])('answers GET /ids/%s/%s with 400 saying why', async (kind, id, message) => {
    const { status, body } = await decode(kind, id);

    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'malformed_id', message: expect.stringContaining(message) });
  });

  it('answers an unknown kind with 400 listing the kinds, when issuing and when decoding', async () => {
    const issued = await issueIds(first, 'uuidv4');
    const decoded = await decode('uuidv4', '1');

    for (const { status, body } of [issued, decoded]) {
      expect(status).toBe(400);
      expect(body.error.message).toContain(
        'unknown id kind "uuidv4"; use one of: snowflake, instagram, objectid, ulid, uuidv7',
      );
    }
  });

  it.each([
    ['', 'instagram ids need a shard: POST /ids/instagram?shard=<0-8191>&count=<n>'],
    ['&shard=8192', 'shard must be at most 8191'],
    ['&shard=-1', 'shard must be a whole number from 0 to 8191'],
    ['&shard=abc', 'shard must be a whole number from 0 to 8191'],
  ])('answers an instagram request with shard query "%s" with 400 saying "%s"', async (shard, message) => {
    const { status, body } = await issueIds(first, 'instagram', `?count=1${shard}`);

    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining(message),
    });
  });

  it('answers a shard given for a kind that has none with 400', async () => {
    const { status, body } = await issueIds(first, 'snowflake', '?count=1&shard=3');

    expect(status).toBe(400);
    expect(body.error.message).toBe('shard only applies to instagram ids, not snowflake');
  });

  it('gives two instances issuing for the same shard at once no common Instagram-style id', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        issueIds(i % 2 ? second : first, 'instagram', '?shard=77&count=2000'),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const ids = responses.flatMap((r) => r.body.ids);
    expect(new Set(ids).size).toBe(40_000);
  });

  it('is still up and issuing after all those bad requests', async () => {
    const ready = await requestJson(`${first.url}/health/ready`);
    const issued = await issueIds(first, 'snowflake', '?count=10');

    expect(ready.status).toBe(200);
    expect(issued.status).toBe(200);
    expect(issued.body.ids).toHaveLength(10);
  });
});
