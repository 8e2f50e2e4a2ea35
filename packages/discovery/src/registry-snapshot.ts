import {
  readSnapshotFile,
  SnapshotWriter,
  type SnapshotEnvelope,
  type SnapshotFileRead,
} from '@platform/kafka';
import type { Logger } from '@platform/observability';

import { instanceRecordSchema, type InstanceRecord } from './instance-record.js';
import type { RegistryView } from './registry-view.js';
import { toInstanceRecord } from './service-instance.js';

export const REGISTRY_SNAPSHOT_FORMAT = 'platform-registry-snapshot';
export const REGISTRY_SNAPSHOT_VERSION = 1;

export interface RegistrySnapshotContents extends SnapshotEnvelope<InstanceRecord> {
  readonly format: typeof REGISTRY_SNAPSHOT_FORMAT;
  readonly v: typeof REGISTRY_SNAPSHOT_VERSION;
}

export type RegistrySnapshotRead = SnapshotFileRead<InstanceRecord>;

/** Reads and checks a registry snapshot; never throws. One invalid record makes the whole file unusable. */
export function readRegistrySnapshot(file: string, topic: string): Promise<RegistrySnapshotRead> {
  const expected = { format: REGISTRY_SNAPSHOT_FORMAT, v: REGISTRY_SNAPSHOT_VERSION, topic };
  return readSnapshotFile(file, expected, (entry) => {
    const parsed = instanceRecordSchema.safeParse(entry);
    return parsed.success ? { ok: true, record: parsed.data } : { ok: false, problem: parsed.error.message };
  });
}

export interface RegistrySnapshotOptions {
  readonly view: RegistryView;
  readonly file: string;
  /** The registry topic: a snapshot of another one is ignored. */
  readonly topic: string;
  readonly logger: Logger;
  /** The snapshot is written at most this often, while the view changes (default 5 s). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/**
 * The registry view's last known instances on local disk, so a service restarted while Kafka is out
 * of reach still knows where to send requests. Written atomically, at most every `intervalMs`, and
 * only by a view that has read the whole topic (a view still catching up would save a part of the
 * platform over the whole of it); restored instances are not written back, only what Kafka said.
 * Restored at start when the topic cannot be read (see DiscoveryLifecycle): the instances come back
 * marked `restoredAt`, and expire by the usual TTL rules once Kafka answers (see Liveness).
 */
export class RegistrySnapshot {
  private readonly writer: SnapshotWriter;
  private readonly now: () => number;
  private readonly onChange = () => {
    if (this.options.view.caughtUp) this.writer.changed();
  };

  constructor(private readonly options: RegistrySnapshotOptions) {
    this.now = options.now ?? Date.now;
    this.writer = new SnapshotWriter({
      file: options.file,
      what: 'registry',
      delayMs: options.intervalMs ?? 5_000,
      contents: () => this.contents(),
      logger: options.logger,
    });
  }

  /** Starts writing the snapshot as the view changes. */
  start(): void {
    const { view } = this.options;
    for (const event of ['added', 'updated', 'removed', 'caughtUp'] as const) view.on(event, this.onChange);
  }

  /** Adds the instances of the snapshot file to the view; returns how many. A bad file is logged and skipped. */
  async restore(): Promise<number> {
    const { file, topic, logger, view } = this.options;
    const read = await readRegistrySnapshot(file, topic);
    if (read.status === 'missing') return 0;
    if (read.status === 'unusable') {
      logger.warn({ file, problem: read.problem }, 'ignored the registry snapshot');
      return 0;
    }
    const restored = view.restore(read.records);
    logger.warn(
      { file, savedAt: read.savedAt, instances: restored },
      'the registry topic cannot be read yet: routing on the instances of the registry snapshot until it can',
    );
    return restored;
  }

  /** Stops following the view and writes a pending change. */
  async stop(): Promise<void> {
    const { view } = this.options;
    for (const event of ['added', 'updated', 'removed', 'caughtUp'] as const) view.off(event, this.onChange);
    await this.writer.flush();
  }

  /** The view's instances as the file holds them: those heard from Kafka, not those restored. */
  contents(): RegistrySnapshotContents {
    const records = [...this.options.view.snapshot().values()]
      .flat()
      .filter((instance) => instance.restoredAt === undefined)
      .map(toInstanceRecord);
    return {
      format: REGISTRY_SNAPSHOT_FORMAT,
      v: REGISTRY_SNAPSHOT_VERSION,
      topic: this.options.topic,
      savedAt: new Date(this.now()).toISOString(),
      records,
    };
  }
}
