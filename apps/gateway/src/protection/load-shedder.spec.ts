import { describe, expect, it } from '@jest/globals';

import { LoadShedder } from './load-shedder.js';

describe(LoadShedder.name, () => {
  it('sheds non-essential requests past its threshold while essential ones still get in, up to the limit', () => {
    const shedder = new LoadShedder(10, 0.8);
    const held = Array.from({ length: 8 }, () => shedder.admit(true));
    expect(held.every((h) => h.admission === 'admit')).toBe(true);
    expect(shedder.admit(false).admission).toBe('shed');
    const essential = [shedder.admit(true), shedder.admit(true)];
    expect(essential.map((e) => e.admission)).toEqual(['admit', 'admit']);
    expect(shedder.admit(true).admission).toBe('overloaded');
    expect(shedder.inFlight).toBe(10);
  });

  it('gives capacity back when requests finish, once each', () => {
    const shedder = new LoadShedder(2, 0.5);
    const first = shedder.admit(false);
    expect(shedder.admit(false).admission).toBe('shed');
    first.done();
    first.done();
    expect(shedder.inFlight).toBe(0);
    expect(shedder.admit(false).admission).toBe('admit');
  });
});
