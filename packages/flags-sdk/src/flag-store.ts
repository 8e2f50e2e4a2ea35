import { compileFlag, type CompiledFlag, type Flag, type Segment } from '@platform/flags';

import {
  FLAG_RECORD_VERSION,
  type DefinitionKind,
  type DefinitionRecord,
  type FlagRecord,
} from './flag-record.js';

/** The latest version held of one key: its definition, or a deletion (`definition` null). */
interface Held<T> {
  readonly version: number;
  readonly definition: T | null;
}

/** A record that changed what the store holds. */
export interface AppliedChange {
  readonly kind: DefinitionKind;
  readonly key: string;
  readonly version: number;
  readonly deleted: boolean;
  /** The key was live before this record: false for a creation, or a deletion of a key never held. */
  readonly existed: boolean;
  /** The version held before, if any: higher than `version` when the topic's order undid a record. */
  readonly previousVersion: number | undefined;
  /**
   * The flags whose evaluation may have changed: the flag itself, or for a segment every flag that
   * refers to it (they were recompiled).
   */
  readonly flagsAffected: readonly string[];
}

export type ApplyResult =
  | { readonly applied: true; readonly change: AppliedChange }
  /** The store already holds exactly this record (a replay: the snapshot then the topic, a re-send). */
  | { readonly applied: false; readonly heldVersion: number };

/** A key and the version of it the store holds. */
export interface HeldVersion {
  readonly key: string;
  readonly version: number;
}

/**
 * What one client knows: the last record of every flag and segment (deletions included), and each live
 * flag compiled against the segments it refers to. Plain state with no I/O: the client feeds it records
 * from Kafka or a snapshot.
 *
 * The topic's order is the truth, as compaction itself assumes: a record replaces what is held whenever
 * it differs, whatever its version, so a record with a huge version from a writer other than
 * flags-service is undone by the next real change. That is safe because flags-service publishes each
 * key's changes in order, in Kafka transactions that fence a paused publisher off, and clients read
 * committed records only. A record equal to the one held (same version and definition: a replay, the
 * snapshot then the topic, a re-send) changes nothing. The snapshot's versions are a floor while the
 * client catches up (`SnapshotFloors`), not here.
 */
export class FlagStore {
  private readonly flags = new Map<string, Held<Flag>>();
  private readonly segments = new Map<string, Held<Segment>>();
  /** The live segments, as `compileFlag` takes them. */
  private readonly liveSegments = new Map<string, Segment>();
  private readonly compiled = new Map<string, CompiledFlag>();

  /** The compiled flag to evaluate, if the flag exists. */
  flag(key: string): CompiledFlag | undefined {
    return this.compiled.get(key);
  }

  /** The held version of a live flag. */
  flagVersion(key: string): number | undefined {
    return this.compiled.has(key) ? this.flags.get(key)?.version : undefined;
  }

  /** Live flags with their versions, by key. */
  flagVersions(): HeldVersion[] {
    return liveVersions(this.flags);
  }

  /** Live segments with their versions, by key. */
  segmentVersions(): HeldVersion[] {
    return liveVersions(this.segments);
  }

  /** How many keys the store holds, deletions included: zero for a client that knows nothing yet. */
  get size(): number {
    return this.flags.size + this.segments.size;
  }

  /**
   * Applies a validated record unless the store holds exactly that record already. Throws only if a
   * flag cannot be compiled, which a record that passed `checkFlagRecord` never causes; the store is
   * then unchanged.
   */
  apply(record: FlagRecord): ApplyResult {
    const held = (record.kind === 'flag' ? this.flags : this.segments).get(record.key);
    if (held !== undefined && sameRecord(held, record)) return { applied: false, heldVersion: held.version };
    const existed = held !== undefined && held.definition !== null;
    const flagsAffected = record.kind === 'flag' ? this.applyFlag(record) : this.applySegment(record);
    const { kind, key, version, deleted } = record;
    const previousVersion = held?.version;
    return {
      applied: true,
      change: { kind, key, version, deleted, existed, previousVersion, flagsAffected },
    };
  }

  /** Every held key as a record, deletions included: what a snapshot stores. */
  records(): FlagRecord[] {
    // Segments first: a snapshot loaded in this order compiles each flag once, with its segments.
    return [...recordsOf('segment', this.segments), ...recordsOf('flag', this.flags)];
  }

  private applyFlag(record: DefinitionRecord<'flag', Flag>): string[] {
    if (record.deleted) {
      this.compiled.delete(record.key);
    } else {
      // Compiled first: if it threw, nothing would have changed.
      this.compiled.set(record.key, compileFlag(record.definition, this.liveSegments));
    }
    this.flags.set(record.key, { version: record.version, definition: record.definition });
    return [record.key];
  }

  /**
   * A segment changed: every flag that refers to it is compiled again. A deleted segment makes those
   * flags serve their offVariant with reason `error` (fail closed), as `compileFlag` does for any
   * missing segment; a segment that arrives after the flags using it brings them back.
   */
  private applySegment(record: DefinitionRecord<'segment', Segment>): string[] {
    const segments = new Map(this.liveSegments);
    if (record.deleted) segments.delete(record.key);
    else segments.set(record.key, record.definition);
    const recompiled: [string, CompiledFlag][] = [];
    for (const [key, flag] of this.compiled) {
      const definition = this.flags.get(key)?.definition;
      if (flag.segmentKeys.has(record.key) && definition)
        recompiled.push([key, compileFlag(definition, segments)]);
    }
    // Everything compiled: now commit, so a failure above leaves the store as it was.
    if (record.deleted) this.liveSegments.delete(record.key);
    else this.liveSegments.set(record.key, record.definition);
    for (const [key, flag] of recompiled) this.compiled.set(key, flag);
    this.segments.set(record.key, { version: record.version, definition: record.definition });
    return recompiled.map(([key]) => key).sort();
  }
}

/** Same version and same definition (or both deleted): a replay of what is held. */
function sameRecord(held: Held<unknown>, record: FlagRecord): boolean {
  return (
    held.version === record.version && JSON.stringify(held.definition) === JSON.stringify(record.definition)
  );
}

function recordsOf<K extends DefinitionKind, D extends object>(
  kind: K,
  held: ReadonlyMap<string, Held<D>>,
): DefinitionRecord<K, D>[] {
  return [...held].map(([key, { version, definition }]) => {
    const header = { v: FLAG_RECORD_VERSION, kind, key, version } as const;
    return definition === null
      ? { ...header, deleted: true, definition: null }
      : { ...header, deleted: false, definition };
  });
}

function liveVersions(held: ReadonlyMap<string, Held<unknown>>): HeldVersion[] {
  const live: HeldVersion[] = [];
  for (const [key, { version, definition }] of held) if (definition !== null) live.push({ key, version });
  return live.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
