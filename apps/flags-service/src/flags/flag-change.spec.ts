import { describe, expect, it } from '@jest/globals';

import { changePayload, parseChangePayload } from './flag-change.js';

describe(parseChangePayload.name, () => {
  it('reads back the payload a change was notified with', () => {
    const change = { kind: 'segment', key: 'beta-testers', version: 7 } as const;
    expect(parseChangePayload(changePayload(change))).toEqual(change);
  });

  it.each([
    undefined,
    '',
    'not json',
    '{}',
    '{"kind":"rule","key":"k","version":1}',
    '{"kind":"flag","key":"k","version":"1"}',
  ])('gives nothing for %j, so the listener checks everything it holds', (payload) => {
    expect(parseChangePayload(payload)).toBeUndefined();
  });
});
