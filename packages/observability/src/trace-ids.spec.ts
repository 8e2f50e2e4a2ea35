import { describe, expect, it } from '@jest/globals';

import { newSpanId, newTraceId } from './trace-ids.js';

describe(newTraceId.name, () => {
  it('makes 32 lowercase hex characters, different every time, across many draws of randomness', () => {
    // 10,000 ids use the pooled randomness some thirty times over.
    const ids = Array.from({ length: 10_000 }, () => newTraceId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe(newSpanId.name, () => {
  it('makes 16 lowercase hex characters, different every time', () => {
    const ids = Array.from({ length: 10_000 }, () => newSpanId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads its bits evenly (each hex digit about as often as the others)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++)
      for (const digit of newSpanId()) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    // 64,000 digits, 4,000 expected of each; ±10 % is over six standard deviations.
    expect(counts.size).toBe(16);
    for (const count of counts.values()) expect(Math.abs(count - 4_000)).toBeLessThan(400);
  });
});
