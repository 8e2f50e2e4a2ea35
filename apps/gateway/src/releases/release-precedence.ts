import { isInProgress, type Release, type ReleasePhase } from './release.js';

/**
 * Which of two records of one service's release a gateway keeps. Every gateway applies the same
 * rule to whatever it reads, in whatever order, so all of them end up holding the same record —
 * Kafka has no compare-and-set, so conflicting writes are settled by the readers:
 *
 * 1. A newer release beats an older one: the one started at the higher revision (a release can only
 *    be started once the previous one has finished, on a gateway that saw it finish). A late record
 *    of an older release, saved by a gateway that was cut off from Kafka, changes nothing.
 * 2. Within one release, finished is final: a record that finishes it (promoted, rolled back,
 *    aborted) beats every record of it still in progress, whatever their revisions — an operator's
 *    abort is not undone by the analysis of a coordinator that could not see it. Of two records that
 *    finish it, the first (lower revision) stands; at the same revision the safer outcome.
 * 3. Otherwise the higher revision; at the same revision (two gateways changed the same one), the
 *    same winner everywhere: the greater record as canonical JSON.
 * Two releases started at the same revision by two gateways at once: the one started first (then by
 * coordinator name) stands on every gateway; the other one's starter learns it from the topic.
 */
export function supersedes(incoming: Release, held: Release | undefined): boolean {
  if (held === undefined) return true;
  return compare(incoming, held) > 0;
}

/** Which to keep: positive for `a`, negative for `b`, 0 for the same record. */
export function compare(a: Release, b: Release): number {
  const generation = startRevision(a) - startRevision(b);
  if (generation !== 0) return generation;
  if (!sameRelease(a, b)) return firstStarted(a, b);
  const aDone = !isInProgress(a);
  const bDone = !isInProgress(b);
  if (aDone !== bDone) return aDone ? 1 : -1;
  if (aDone && bDone) {
    if (a.revision !== b.revision) return b.revision - a.revision;
    const safety = SAFETY[a.phase] - SAFETY[b.phase];
    if (safety !== 0) return safety;
  } else if (a.revision !== b.revision) {
    return a.revision - b.revision;
  }
  return canonical(a).localeCompare(canonical(b));
}

/** The revision the release was started at (records written before the field: their own). */
export function startRevision(release: Release): number {
  return release.startRevision ?? release.revision;
}

function sameRelease(a: Release, b: Release): boolean {
  return a.startedAt === b.startedAt && a.coordinator === b.coordinator;
}

function firstStarted(a: Release, b: Release): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.coordinator < b.coordinator ? 1 : -1;
}

/** At the same revision, the outcome that routes fewer users to the candidate stands. */
const SAFETY: Record<ReleasePhase, number> = { aborted: 3, 'rolled-back': 2, promoted: 1, progressing: 0 };

/** The record as JSON with every object's keys in order, so equal records give equal text. */
function canonical(release: Release): string {
  return JSON.stringify(release, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : value,
  );
}
