import {
  compileFlag,
  isInvalidFlagError,
  isInvalidSegmentError,
  unusablePatterns,
  type CompiledFlag,
  type Evaluation,
  type EvaluationContext,
  type Flag,
  type Segment,
} from '@platform/flags';
import type { Logger } from '@platform/observability';

import type { StoredFlag, StoredSegment } from './flag.js';
import type { FlagChange } from './flag-change.js';
import { FlagNotFoundError, FlagsUnavailableError } from './flag.errors.js';
import { within } from './within.js';

/** Where definitions are loaded from: the repository, in the service. */
export interface FlagSource {
  findFlag(key: string): Promise<StoredFlag | undefined>;
  findSegments(keys: readonly string[]): Promise<StoredSegment[]>;
}

export interface CompiledFlagsOptions {
  readonly source: FlagSource;
  readonly logger: Logger;
  /** How long an evaluation waits for the database before answering from what it holds, or 503. */
  readonly loadTimeoutMs?: number;
  /** After the database did not answer, how long a flag held but due for a check is served unchecked. */
  readonly retryMs?: number;
  readonly now?: () => number;
}

interface Held {
  readonly flag: CompiledFlag;
  readonly version: number;
  /** The version of each segment the flag was compiled with. */
  readonly segmentVersions: ReadonlyMap<string, number>;
  /** Changes may have been missed since it was loaded: load it again, but answer from it if that fails. */
  stale: boolean;
  /** While stale: no new load before this time, after one that failed. */
  retryAt: number;
}

interface Load {
  readonly promise: Promise<Held | undefined>;
  readonly deadline: number;
}

/**
 * The flags this flags-service instance evaluates (`POST /flags/{key}/evaluate`), compiled once per
 * flag version and the versions of the segments it uses, then answered from memory with no query.
 *
 * - **Loading**: the first evaluation of a flag reads it and the segments it refers to (two indexed
 *   queries), one load at a time per flag however many requests wait for it. A segment definition is
 *   kept per version, so the compiled segment is shared by every flag using it (see `compileFlag`).
 * - **Changes**: {@link changed} drops what a change makes out of date — the flag, or every flag using
 *   the segment — and any load in flight that could have read the older state. The repository calls it
 *   before a write returns (read-your-writes on this instance); PostgreSQL's NOTIFY calls it on every
 *   instance within milliseconds of the commit (see `FlagChangeListener`). {@link resync} (a new
 *   listening connection: notifications may have been missed) marks everything held for a check.
 * - **A database that fails or hangs** (queries neither fail nor finish): flags held keep answering
 *   with no query at all. A flag due for a check waits at most `loadTimeoutMs` (once per `retryMs`),
 *   then answers from the version held; a flag not held answers 503 `flags_unavailable` after
 *   `loadTimeoutMs`.
 *
 * Why not a version check per request: it would put a query (and a wait on a hung database) back on
 * every evaluation, for changes that NOTIFY already announces.
 */
export class CompiledFlags {
  private readonly held = new Map<string, Held>();
  /** The latest definition seen of each segment: one object per version, so its compiled form is reused. */
  private readonly segments = new Map<string, StoredSegment>();
  private readonly loads = new Map<string, Load>();
  /** `kind:key` → the version whose unusable patterns were logged, so each version is logged once. */
  private readonly checkedPatterns = new Map<string, number>();
  private readonly loadTimeoutMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private degraded = false;

  constructor(private readonly options: CompiledFlagsOptions) {
    this.loadTimeoutMs = options.loadTimeoutMs ?? 1_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * What flag `key` serves `context`, and the flag version that decided. Throws
   * {@link FlagNotFoundError}, or {@link FlagsUnavailableError} when the flag is not held and the
   * database does not answer in time.
   */
  async evaluate(
    key: string,
    context: EvaluationContext,
  ): Promise<{ evaluation: Evaluation; version: number }> {
    const held = this.held.get(key);
    const flag = held !== undefined && !held.stale ? held : await this.loaded(key, held);
    return { evaluation: flag.flag.evaluate(context), version: flag.version };
  }

  /** A change committed (here or on another instance): drop what it makes out of date. */
  changed(change: FlagChange): void {
    if (change.kind === 'flag') {
      const held = this.held.get(change.key);
      if (held && !held.stale && held.version >= change.version) return; // already loaded
      this.held.delete(change.key);
      this.loads.delete(change.key);
      return;
    }
    for (const [key, held] of this.held) {
      const used = held.segmentVersions.get(change.key) ?? 0;
      if (held.flag.segmentKeys.has(change.key) && used < change.version) this.held.delete(key);
    }
    // A load in flight may have read the older segment; which flags use it is unknown until it ends.
    this.loads.clear();
  }

  /** Changes may have been missed: check every flag held before answering from it again. */
  resync(): void {
    for (const held of this.held.values()) {
      held.stale = true;
      held.retryAt = 0;
    }
    this.loads.clear();
  }

  /** How many flags are held, for tests and diagnostics. */
  get size(): number {
    return this.held.size;
  }

  private async loaded(key: string, held: Held | undefined): Promise<Held> {
    let load = this.loads.get(key);
    // A load still pending a retry period past its deadline is stuck (a query on a connection that
    // died silently, say): stop waiting for it and ask again, at most once per retry period.
    if (load && this.now() >= load.deadline + this.retryMs) {
      this.loads.delete(key);
      load = undefined;
    }
    if (held && !load && this.now() < held.retryAt) return held;
    load ??= this.startLoad(key);
    try {
      const flag = await within(load.promise, load.deadline - this.now(), `loading flag ${key}`);
      if (!flag) throw new FlagNotFoundError(key);
      return flag;
    } catch (error) {
      if (error instanceof FlagNotFoundError || isInvalidFlagError(error) || isInvalidSegmentError(error))
        throw error;
      this.unavailable(error);
      const fallback = this.held.get(key);
      if (!fallback) throw new FlagsUnavailableError(key, error);
      fallback.retryAt = this.now() + this.retryMs;
      return fallback;
    }
  }

  private startLoad(key: string): Load {
    const load: Load = {
      deadline: this.now() + this.loadTimeoutMs,
      promise: this.fetch(key)
        .then((flag) => {
          // Superseded by a change while loading: answer the callers waiting, hold nothing.
          if (this.loads.get(key) !== load) return flag;
          if (flag) this.held.set(key, flag);
          else this.held.delete(key);
          this.available();
          return flag;
        })
        .finally(() => {
          if (this.loads.get(key) === load) this.loads.delete(key);
        }),
    };
    this.loads.set(key, load);
    return load;
  }

  private async fetch(key: string): Promise<Held | undefined> {
    const stored = await this.options.source.findFlag(key);
    if (!stored) return undefined;
    const keys = segmentKeysOf(stored.definition);
    const found = keys.length === 0 ? [] : await this.options.source.findSegments(keys);
    const segments = new Map<string, Segment>();
    const segmentVersions = new Map<string, number>();
    for (const fresh of found) {
      const segmentKey = fresh.definition.key;
      const known = this.segments.get(segmentKey);
      const segment = known?.version === fresh.version ? known : fresh;
      if (segment !== known) {
        this.segments.set(segmentKey, segment);
        this.checkPatterns('segment', segmentKey, segment.version, segment.definition);
      }
      segments.set(segmentKey, segment.definition);
      segmentVersions.set(segmentKey, segment.version);
    }
    const flag = compileFlag(stored.definition, segments);
    this.checkPatterns('flag', key, stored.version, stored.definition);
    return { flag, version: stored.version, segmentVersions, stale: false, retryAt: 0 };
  }

  /** Once per version: a pattern RE2 cannot run (stored before it was checked) never matches. */
  private checkPatterns(kind: 'flag' | 'segment', key: string, version: number, definition: Flag | Segment) {
    const id = `${kind}:${key}`;
    if (this.checkedPatterns.get(id) === version) return;
    this.checkedPatterns.set(id, version);
    const problems = unusablePatterns(definition);
    if (problems.length > 0) {
      this.options.logger.warn(
        { kind, key, version, problems },
        'a flags definition has patterns RE2 cannot run; they never match',
      );
    }
  }

  private unavailable(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.options.logger.warn(
      { err: error },
      'the flags database did not answer; evaluating from the flags held (503 for the others)',
    );
  }

  private available(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.options.logger.info('the flags database answers again');
  }
}

function segmentKeysOf(flag: Flag): string[] {
  const keys = new Set<string>();
  for (const rule of flag.rules ?? []) {
    for (const condition of rule.conditions) {
      if ('segment' in condition) keys.add(condition.segment);
      else if ('notSegment' in condition) keys.add(condition.notSegment);
    }
  }
  return [...keys];
}
