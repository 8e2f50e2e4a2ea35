import { describe, expect, it } from '@jest/globals';

import { parseHistoryArgs } from './history-args.js';

describe(parseHistoryArgs.name, () => {
  it('reads a seed, a number of seeds and --short, in either form', () => {
    expect(parseHistoryArgs(['--seed', '42', '--seeds=20', '--short'])).toEqual({
      seed: 42,
      seeds: 20,
      short: true,
    });
  });

  it('takes the seed from the clock when none is given', () => {
    expect(parseHistoryArgs([], 123_456_789)).toEqual({ seed: 456_789, seeds: 1, short: false });
  });

  it('refuses what it does not know, and a seed that is not a whole number, with the usage', () => {
    expect(() => parseHistoryArgs(['--fast'])).toThrow(/unknown argument --fast[\s\S]*usage/);
    expect(() => parseHistoryArgs(['--seed', 'x'])).toThrow('--seed needs a whole number');
    expect(() => parseHistoryArgs(['--seeds', '0'])).toThrow('--seeds must be at least 1');
  });
});
