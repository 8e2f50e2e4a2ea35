import type { Logger } from '@platform/observability';

import { writeFileAtomically } from './atomic-file.js';

export interface SnapshotWriterOptions {
  readonly file: string;
  /** What the file holds, for the log line of a failed write (`flags`, `registry`). */
  readonly what: string;
  /** How long after a change the snapshot is written; the changes in between share one write. */
  readonly delayMs: number;
  /** The state to write (JSON), taken when the write starts, so it is the newest. */
  readonly contents: () => unknown;
  readonly logger: Logger;
}

/**
 * Keeps a local copy of state read from a topic (the flags a client holds, the instances a registry
 * view knows), so a service restarted while Kafka is out of reach starts from it. One atomic write
 * per burst of changes: the first change arms a timer and later ones join it (rather than pushing it
 * back), so a steady stream of changes — heartbeats, a client catching up on a long topic — is saved
 * at most once every `delayMs`, and at least that often. Writes never overlap.
 */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** The write in progress (or the last one): the next one starts after it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: SnapshotWriterOptions) {}

  /** Notes a change: the snapshot is written within `delayMs`. */
  changed(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), this.options.delayMs);
    // A pending snapshot must not keep a process alive; stop() flushes it.
    this.timer.unref();
  }

  /** Writes now if anything changed since the last write. Never rejects: a failed write is logged. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeIfChanged());
    return this.writing;
  }

  private async writeIfChanged(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await writeFileAtomically(this.options.file, JSON.stringify(this.options.contents()));
    } catch (error) {
      // The service keeps working from memory; only a restart before the next good write loses out.
      this.options.logger.warn(
        { err: error, file: this.options.file },
        `could not write the ${this.options.what} snapshot; will try again on the next change`,
      );
      this.dirty = true;
    }
  }
}
