import { describe, expect, it } from '@jest/globals';

import * as balancing from './index.js';

describe('@platform/balancing', () => {
  it('exports what the gateway imports', () => {
    expect(Object.keys(balancing).sort()).toEqual([
      'ConsistentHashPicker',
      'DynamicWeightedRoundRobinPicker',
      'LeastConnectionsPicker',
      'LoadTracker',
      'P2cLeastConnectionsPicker',
      'PeakEwmaPicker',
      'RoundRobinPicker',
      'STRATEGIES',
      'SlowStartPicker',
      'SmoothWeightedRoundRobinPicker',
      'UnknownStrategyError',
      'ZoneAwarePicker',
      'createPicker',
      'isUnknownStrategyError',
    ]);
  });
});
