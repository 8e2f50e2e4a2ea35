/**
 * A committed change to a flag or a segment: what the repository reports to this instance when it
 * commits one, and what PostgreSQL's NOTIFY tells every instance listening on `flag_events` (as JSON).
 * `version` is the version the change made: the new definition's, or a deletion's.
 */
export interface FlagChange {
  readonly kind: 'flag' | 'segment';
  readonly key: string;
  readonly version: number;
}

/** The NOTIFY payload of a change. */
export function changePayload(change: FlagChange): string {
  return JSON.stringify({ kind: change.kind, key: change.key, version: change.version });
}

/**
 * A change from a NOTIFY payload, or undefined for anything else (an empty payload from an older
 * instance, say): the caller then treats it as "something changed" and checks everything it holds.
 */
export function parseChangePayload(payload: string | undefined): FlagChange | undefined {
  if (!payload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const { kind, key, version } = (value ?? {}) as Partial<Record<keyof FlagChange, unknown>>;
  if ((kind !== 'flag' && kind !== 'segment') || typeof key !== 'string') return undefined;
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) return undefined;
  return { kind, key, version };
}
