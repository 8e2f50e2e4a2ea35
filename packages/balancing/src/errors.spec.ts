import { describe, expect, it } from '@jest/globals';

import { isUnknownStrategyError, UnknownStrategyError } from './errors.js';

describe(UnknownStrategyError.name, () => {
  it('names the bad strategy and the valid ones, with a stable code', () => {
    const error = new UnknownStrategyError('random');
    expect(error.message).toBe(
      'Unknown load-balancing strategy "random"; expected one of: round-robin, weighted-round-robin, ' +
        'dynamic-weighted-round-robin, least-connections, p2c-least-connections, peak-ewma, consistent-hash',
    );
    expect(error).toMatchObject({
      code: 'UNKNOWN_STRATEGY',
      strategy: 'random',
      name: 'UnknownStrategyError',
    });
    expect(isUnknownStrategyError(error)).toBe(true);
    expect(isUnknownStrategyError(new Error('random'))).toBe(false);
  });
});
