import type { Logger } from '@platform/observability';

import { writeSnapshot, type SnapshotContents } from './snapshot-file.js';

export interface SnapshotWriterOptions {
  readonly file: string;
  /** How long after a change the snapshot is written; the changes in between share one write. */
  readonly delayMs: number;
  /** The state to write, taken when the write starts (so it is the newest). */
  readonly contents: () => SnapshotContents;
  readonly logger: Logger;
}

/**
 * Persists the client's state after changes, one write for a burst of them. The first change arms
 * a timer and later ones join it (rather than pushing it back), so a steady stream of changes — a
 * client catching up on a long topic — is still saved every `delayMs`. Writes never overlap.
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
      await writeSnapshot(this.options.file, this.options.contents());
    } catch (error) {
      // The service keeps working from memory; only a restart before the next good write loses out.
      this.options.logger.warn(
        { err: error, file: this.options.file },
        'could not write the flags snapshot; will try again on the next change',
      );
      this.dirty = true;
    }
  }
}
