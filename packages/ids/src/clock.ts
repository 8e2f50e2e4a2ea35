/** Wall-clock milliseconds. Tests pass a fake to move time, or move it backwards. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
