/** The breaker's clock: monotonic, in ms (fake timers in tests replace it too). */
export const now = (): number => performance.now();
