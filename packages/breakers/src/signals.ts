/**
 * A signal that never fires, for a call that has no deadline of its own. Creating an
 * AbortController costs microseconds per call on Node 20 (more than the rest of a closed breaker),
 * and combining signals with `AbortSignal.any` about as much again, so the hot path avoids both
 * when there is nothing to abort.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** One signal that fires when any of `signals` does, skipping absent and never-firing ones. */
export function anySignal(...signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const live = signals.filter(
    (signal): signal is AbortSignal => signal !== undefined && signal !== NEVER_ABORTED,
  );
  if (live.length === 0) return NEVER_ABORTED;
  if (live.length === 1) return live[0]!;
  return AbortSignal.any(live);
}
