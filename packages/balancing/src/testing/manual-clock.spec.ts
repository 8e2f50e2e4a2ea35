import { describe, expect, it } from '@jest/globals';

import { manualClock } from './manual-clock.js';

describe(manualClock.name, () => {
  it('stands still until advanced', () => {
    const clock = manualClock(100);
    expect(clock.now()).toBe(100);
    expect(clock.now()).toBe(100);
    clock.advance(25);
    expect(clock.now()).toBe(125);
  });
});
