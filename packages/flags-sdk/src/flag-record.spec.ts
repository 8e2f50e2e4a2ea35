import { describe, expect, it } from '@jest/globals';

import { checkFlagRecord, parseFlagMessage, type InvalidReason } from './flag-record.js';
import {
  asBuffers,
  deletionMessage,
  flagMessage,
  rawMessage,
  rolloutFlag,
  segmentMessage,
  usersSegment,
  type WireMessage,
} from './testing/wire-messages.js';

const parse = (message: WireMessage) => parseFlagMessage(...asBuffers(message));
const envelope = { v: 1, kind: 'flag', key: 'checkout', version: 3, deleted: false };

describe(parseFlagMessage.name, () => {
  it('reads a flag, a segment and a deletion, validated and typed', () => {
    const flag = rolloutFlag('checkout', 30);
    expect(parse(flagMessage(flag, 3))).toEqual({
      ok: true,
      record: { v: 1, kind: 'flag', key: 'checkout', version: 3, deleted: false, definition: flag },
    });
    expect(parse(segmentMessage(usersSegment('beta', ['u-1']), 1))).toMatchObject({
      ok: true,
      record: { kind: 'segment', key: 'beta', definition: { key: 'beta', includedUserIds: ['u-1'] } },
    });
    expect(parse(deletionMessage('flag', 'checkout', 4))).toEqual({
      ok: true,
      record: { v: 1, kind: 'flag', key: 'checkout', version: 4, deleted: true, definition: null },
    });
  });

  it('accepts a flag whose segments it has not seen: they may arrive later', () => {
    expect(parse(flagMessage(rolloutFlag('checkout', 30, { segment: 'later' }), 1)).ok).toBe(true);
  });

  const flag = rolloutFlag('checkout', 30);
  const cases: [string, WireMessage | [null, null], InvalidReason, RegExp][] = [
    ['no key at all', [null, null], 'bad_key', /not flag:<key> or segment:<key>/],
    [
      'a key without a kind',
      rawMessage('checkout', { ...envelope, definition: flag }),
      'bad_key',
      /"checkout"/,
    ],
    ['an unknown kind in the key', rawMessage('rule:checkout', envelope), 'bad_key', /rule:checkout/],
    ['a Kafka tombstone', rawMessage('flag:checkout', null), 'no_value', /deleted: true/],
    ['a value that is not JSON', rawMessage('flag:checkout', '{{ nope'), 'not_json', /not JSON/],
    ['format v2', rawMessage('flag:checkout', { ...envelope, v: 2 }), 'unsupported_version', /v is 2/],
    ['no v', rawMessage('flag:checkout', { kind: 'flag' }), 'unsupported_version', /v is missing/],
    [
      'version 0',
      rawMessage('flag:checkout', { ...envelope, version: 0, definition: flag }),
      'schema',
      /^version /,
    ],
    [
      'a fractional version',
      rawMessage('flag:checkout', { ...envelope, version: 1.5, definition: flag }),
      'schema',
      /^version /,
    ],
    [
      'an unknown field',
      rawMessage('flag:checkout', { ...envelope, definition: flag, extra: 1 }),
      'schema',
      /extra/,
    ],
    [
      'a deletion with a definition',
      rawMessage('flag:checkout', { ...envelope, deleted: true, definition: flag }),
      'schema',
      /definition null/,
    ],
    [
      'a value for another key',
      rawMessage('flag:other', { ...envelope, definition: flag }),
      'key_mismatch',
      /flag:other ≠ flag:checkout/,
    ],
    [
      'a value of another kind',
      rawMessage('segment:checkout', { ...envelope, definition: flag }),
      'key_mismatch',
      /segment:checkout ≠ flag:checkout/,
    ],
    [
      'a definition with another key',
      rawMessage('flag:checkout', { ...envelope, definition: rolloutFlag('other', 30) }),
      'key_mismatch',
      /definition's key is 'other'/,
    ],
    [
      'a flag that fails validation',
      rawMessage('flag:checkout', { ...envelope, definition: { ...flag, offVariant: 'nope' } }),
      'invalid_definition',
      /offVariant/,
    ],
    [
      'a segment that fails validation',
      rawMessage('segment:beta', {
        ...envelope,
        kind: 'segment',
        key: 'beta',
        definition: { key: 'beta', x: 1 },
      }),
      'invalid_definition',
      /segment beta v3: x /,
    ],
  ];

  it.each(cases)('ignores %s, saying why', (_what, message, reason, problem) => {
    const parsed = Array.isArray(message) ? parseFlagMessage(...message) : parse(message);
    expect(parsed).toMatchObject({ ok: false, reason });
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});

describe(checkFlagRecord.name, () => {
  it('checks a record already parsed, as a snapshot holds it', () => {
    expect(checkFlagRecord({ ...envelope, definition: rolloutFlag('checkout', 30) }).ok).toBe(true);
    expect(checkFlagRecord(null)).toMatchObject({ ok: false, reason: 'unsupported_version' });
  });
});
