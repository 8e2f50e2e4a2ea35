import { EventEmitter } from 'node:events';

import type { Kafka } from 'kafkajs';

import {
  unusablePatterns,
  type CompiledFlag,
  type Evaluation,
  type EvaluationContext,
  type JsonValue,
} from '@platform/flags';
import { SnapshotWriter, TopicFollower } from '@platform/kafka';
import type { Logger } from '@platform/observability';

import { parseFlagMessage, type DefinitionKind, type FlagRecord, type InvalidReason } from './flag-record.js';
import { FlagStore, type AppliedChange, type HeldVersion } from './flag-store.js';
import { SnapshotFloors } from './snapshot-floors.js';
import { readSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotContents } from './snapshot-file.js';

export interface FlagsClientOptions {
  readonly kafka: Kafka;
  /** The compacted topic flags-service publishes on (`DEFAULT_FLAGS_TOPIC` unless configured). */
  readonly topic: string;
  readonly logger: Logger;
  /** Who is reading, for the consumer group name (each client reads the whole topic itself). */
  readonly clientId: string;
  /**
   * Where the last known state is kept across restarts. Without it a restarted client knows no flag
   * until it has read the topic again (every evaluation serves its fallback meanwhile).
   */
  readonly snapshotFile?: string;
  /** How long after a change the snapshot is written, changes in between sharing one write (500 ms). */
  readonly snapshotDelayMs?: number;
  readonly now?: () => number;
}

/** Extra facts about a change, beyond `(kind, key, version)`. */
export interface ChangeDetails {
  readonly deleted: boolean;
  /** The flags whose evaluation may have changed: the flag, or those referring to the segment. */
  readonly flagsAffected: readonly string[];
  /** `snapshot` while loading the snapshot file at start, `topic` for a record read from Kafka. */
  readonly source: 'snapshot' | 'topic';
}

export interface FlagsClientEvents {
  /** A flag or segment was created, updated or deleted (`details.deleted`) at `version`. */
  change: [kind: DefinitionKind, key: string, version: number, details: ChangeDetails];
  /** A message was ignored; it was also logged once at warn with the same reason. */
  invalid: [reason: InvalidReason, problem: string];
  /** The client has read every record that was on the topic when it started. */
  caughtUp: [];
  /** A change read from the topic once caught up: how long after flags-service published it. */
  delivered: [delayMs: number];
}

/**
 * What {@link FlagsClient.evaluate} returns for a flag the client does not hold (never published,
 * deleted, or not read yet): the caller's fallback, no variant, and reason `flag_not_found`.
 */
export interface FlagNotFound {
  readonly value: JsonValue;
  readonly variant: undefined;
  readonly reason: 'flag_not_found';
  readonly error: string;
}

export type FlagEvaluation = Evaluation | FlagNotFound;

/**
 * Feature flags in-process: a copy of every flag and segment, read from the compacted flags topic and
 * kept up to date as flags-service publishes changes, evaluated with the same core as flags-service
 * (`@platform/flags`), so an evaluation is a function call with no I/O.
 *
 * `start()` first loads the snapshot file, if any, so a restarted service answers with the last known
 * state at once — even while Kafka is down — then reads the topic from the beginning and follows it.
 * Every message is validated; an invalid one is logged and ignored, never applied. It reads committed
 * records only, and the topic's order is the truth: a record replaces what is held for its key whenever
 * it differs, so a bogus huge version written by anything but flags-service lasts until the key's next
 * real change (see {@link FlagStore}). While catching up after loading the snapshot, records older than
 * the snapshot's version of their key are held back, so a restart never shows old definitions for a
 * moment (see {@link SnapshotFloors}).
 */
export class FlagsClient extends EventEmitter<FlagsClientEvents> {
  private readonly store = new FlagStore();
  private readonly floors = new SnapshotFloors();
  private readonly follower: TopicFollower;
  private readonly evaluations = new Map<string, number>();
  private notFound = 0;
  private readonly snapshots: SnapshotWriter | undefined;
  private readonly now: () => number;
  private started: Promise<void> | undefined;

  constructor(private readonly options: FlagsClientOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.follower = new TopicFollower({
      kafka: options.kafka,
      topic: options.topic,
      logger: options.logger,
      what: 'flags',
      groupPrefix: `flags-sdk.${options.clientId}`,
      onMessage: (key, value, timestampMs) => {
        this.apply(key, value);
        if (this.follower.caughtUp) this.emit('delivered', this.now() - timestampMs);
      },
    });
    this.follower.on('caughtUp', () => {
      for (const record of this.floors.release()) this.applyRecord(record, 'topic');
      options.logger.info(
        { topic: options.topic, flags: this.store.flagVersions().length },
        'flags caught up',
      );
      this.emit('caughtUp');
    });
    const file = options.snapshotFile;
    this.snapshots =
      file === undefined
        ? undefined
        : new SnapshotWriter({
            file,
            what: 'flags',
            delayMs: options.snapshotDelayMs ?? 500,
            contents: () => this.snapshotContents(),
            logger: options.logger,
          });
  }

  /**
   * Loads the snapshot file (if any), then starts reading the topic in the background. Resolves once
   * the snapshot is loaded: flags are usable from then on. Never fails because of Kafka; wait for
   * {@link whenCaughtUp} to know the flags are current. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.started ??= this.restoreSnapshot().then(() => this.follower.start());
    return this.started;
  }

  /** Resolves true once every record on the topic at start has been read, false after `timeoutMs`. */
  whenCaughtUp(timeoutMs = 30_000): Promise<boolean> {
    return this.follower.whenCaughtUp(timeoutMs);
  }

  get caughtUp(): boolean {
    return this.follower.caughtUp;
  }

  /** True once the client holds any state, from the snapshot or the topic. */
  get hasState(): boolean {
    return this.store.size > 0;
  }

  /**
   * Evaluates flag `key` for `context`, in-process. A flag the client holds gives its compiled
   * {@link Evaluation} (reasons `disabled`, `rule_match`, `default`, `missing_bucket_key`, `error`); an
   * unknown flag gives {@link FlagNotFound} with `fallback` as its value (null if none). Never throws.
   */
  evaluate(key: string, context: EvaluationContext, fallback: JsonValue = null): FlagEvaluation {
    const flag = this.store.flag(key);
    if (flag !== undefined) {
      this.evaluations.set(key, (this.evaluations.get(key) ?? 0) + 1);
      return flag.evaluate(context);
    }
    this.notFound++;
    return { value: fallback, variant: undefined, reason: 'flag_not_found', error: `no flag '${key}'` };
  }

  /**
   * Evaluations through {@link evaluate} so far, per flag held (plain counts, cheap on the hot path;
   * the metrics read them when scraped), and of flags not held.
   */
  evaluationCounts(): { readonly byFlag: ReadonlyMap<string, number>; readonly notFound: number } {
    return { byFlag: this.evaluations, notFound: this.notFound };
  }

  /** Records on the topic not read yet, as of the last fetch; undefined before one. */
  lag(): number | undefined {
    return this.follower.lag();
  }

  /** The compiled flag, for callers that evaluate it many times in a loop. */
  flag(key: string): CompiledFlag | undefined {
    return this.store.flag(key);
  }

  /** The version of flag `key` the client holds, if it holds the flag. */
  flagVersion(key: string): number | undefined {
    return this.store.flagVersion(key);
  }

  /** Every flag the client holds, with its version, by key. */
  flags(): HeldVersion[] {
    return this.store.flagVersions();
  }

  /** Every segment the client holds, with its version, by key. */
  segments(): HeldVersion[] {
    return this.store.segmentVersions();
  }

  /** Stops reading the topic and writes a pending snapshot. The flags stay usable from memory. */
  async stop(): Promise<void> {
    await this.follower.stop();
    await this.snapshots?.flush();
  }

  /**
   * Applies one raw message from the topic. Public so the rules can be tested without a broker; the
   * topic follower calls it for every record.
   */
  apply(key: Buffer | null, value: Buffer | null): void {
    const parsed = parseFlagMessage(key, value);
    if (!parsed.ok) {
      // Once per message: the follower never delivers a record twice, so this is once per bad record.
      this.options.logger.warn(
        { reason: parsed.reason, problem: parsed.problem, topic: this.options.topic },
        'ignored an invalid flags message',
      );
      this.emit('invalid', parsed.reason, parsed.problem);
      return;
    }
    if (!this.follower.caughtUp && this.floors.holdBack(parsed.record)) return;
    this.applyRecord(parsed.record, 'topic');
  }

  /**
   * Loads the snapshot file, if there is one and it is usable; a missing, corrupt or foreign file is
   * logged and ignored, never fatal. `start()` calls it first; public for tests and tools.
   */
  async restoreSnapshot(): Promise<void> {
    const file = this.options.snapshotFile;
    if (file === undefined) return;
    const read = await readSnapshot(file, this.options.topic);
    if (read.status === 'missing') return;
    if (read.status === 'unusable') {
      this.options.logger.warn(
        { file, problem: read.problem },
        'ignored the flags snapshot; the flags come from the topic alone',
      );
      return;
    }
    for (const record of read.records) {
      this.applyRecord(record, 'snapshot');
      if (!this.follower.caughtUp) this.floors.loaded(record);
    }
    this.options.logger.info(
      { file, savedAt: read.savedAt, flags: this.store.flagVersions().length },
      'loaded the last known flags from the snapshot',
    );
  }

  /** The state as a snapshot file holds it. */
  snapshotContents(): SnapshotContents {
    return {
      format: SNAPSHOT_FORMAT,
      v: SNAPSHOT_VERSION,
      topic: this.options.topic,
      savedAt: new Date(this.now()).toISOString(),
      records: this.store.records(),
    };
  }

  private applyRecord(record: FlagRecord, source: ChangeDetails['source']): void {
    let result;
    try {
      result = this.store.apply(record);
    } catch (error) {
      // Validation makes this unreachable; if it ever happens, the previous definition keeps serving.
      this.options.logger.error(
        { err: error, kind: record.kind, key: record.key },
        'could not compile a flag',
      );
      return;
    }
    // Not applied: the record held already (a replay: the snapshot then the topic, a re-send).
    if (!result.applied) return;
    const { previousVersion } = result.change;
    if (previousVersion !== undefined && previousVersion > record.version)
      // flags-service's versions only grow: the record replaced came from some other writer.
      this.options.logger.warn(
        { kind: record.kind, key: record.key, version: record.version, replaced: previousVersion },
        'a flags record replaced a higher version; the topic order wins',
      );
    if (source === 'topic') this.snapshots?.changed();
    if (!record.deleted) this.warnOfUnusablePatterns(record);
    this.emitChange(result.change, source);
  }

  /** Once per version applied: a pattern RE2 cannot run (published before it was checked) never matches. */
  private warnOfUnusablePatterns(record: FlagRecord & { deleted: false }): void {
    const problems = unusablePatterns(record.definition);
    if (problems.length === 0) return;
    this.options.logger.warn(
      { kind: record.kind, key: record.key, version: record.version, problems },
      'a flags definition has patterns RE2 cannot run; they never match',
    );
  }

  private emitChange(change: AppliedChange, source: ChangeDetails['source']): void {
    const { kind, key, version, deleted, existed, flagsAffected } = change;
    // The deletion of a key this client never held is kept (against older updates) but is no news.
    if (deleted && !existed) return;
    this.emit('change', kind, key, version, { deleted, flagsAffected, source });
  }
}
