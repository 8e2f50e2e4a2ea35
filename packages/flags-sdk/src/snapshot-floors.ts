import type { FlagRecord } from './flag-record.js';

/**
 * The snapshot's versions as a floor while a restarted client catches up. The client reads the topic
 * from the beginning after loading its snapshot; the topic's first records of a key are usually older
 * than the snapshot's, and applying them would show old definitions until the newer records are read.
 *
 * So while catching up, a record older than the snapshot's version of its key is held back, not
 * applied. Held back, not dropped: the last record read of each key is kept, and if it was held back
 * (no record at or above the floor came after it) it applies once caught up, because the topic's last
 * record is the truth — a snapshot saved while a record with a bogus huge version was held must not
 * pin that key after the restart. Once caught up the floors are gone.
 */
export class SnapshotFloors {
  private readonly floors = new Map<string, number>();
  private readonly heldBack = new Map<string, FlagRecord>();

  /** A record loaded from the snapshot: its version is the floor of its key. */
  loaded(record: FlagRecord): void {
    this.floors.set(idOf(record), record.version);
  }

  /** True if `record`, read from the topic while catching up, must wait: it is older than the floor. */
  holdBack(record: FlagRecord): boolean {
    const id = idOf(record);
    const floor = this.floors.get(id);
    if (floor !== undefined && record.version < floor) {
      this.heldBack.set(id, record);
      return true;
    }
    this.heldBack.delete(id);
    return false;
  }

  /**
   * Caught up: drops the floors and returns the records to apply now, those that were the last of
   * their key on the topic and held back.
   */
  release(): FlagRecord[] {
    const records = [...this.heldBack.values()];
    this.floors.clear();
    this.heldBack.clear();
    return records;
  }
}

function idOf(record: FlagRecord): string {
  return `${record.kind}:${record.key}`;
}
