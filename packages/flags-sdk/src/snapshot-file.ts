import {
  readSnapshotFile,
  writeFileAtomically,
  type SnapshotEnvelope,
  type SnapshotFileRead,
} from '@platform/kafka';

import { checkFlagRecord, type FlagRecord } from './flag-record.js';

/**
 * The last state a client knew, kept on local disk so a restarted service answers with it at once,
 * before (or without) Kafka. It holds the latest record of every key, deletions included, in the
 * topic's own message format, so loading it runs the same validation as reading the topic.
 */
export const SNAPSHOT_FORMAT = 'platform-flags-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotContents extends SnapshotEnvelope<FlagRecord> {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly v: typeof SNAPSHOT_VERSION;
}

/** A snapshot read: loaded, missing, or unusable as a whole (unreadable, foreign, one invalid record). */
export type SnapshotRead = SnapshotFileRead<FlagRecord>;

/** Reads and checks a snapshot; never throws (see readSnapshotFile). */
export function readSnapshot(file: string, topic: string): Promise<SnapshotRead> {
  return readSnapshotFile(file, { format: SNAPSHOT_FORMAT, v: SNAPSHOT_VERSION, topic }, (entry) => {
    const checked = checkFlagRecord(entry);
    return checked.ok ? checked : { ok: false, problem: `${checked.reason}: ${checked.problem}` };
  });
}

/**
 * Writes the snapshot atomically (temporary file, then rename): a crash mid-write leaves the
 * previous snapshot whole, never half of a new one.
 */
export async function writeSnapshot(file: string, contents: SnapshotContents): Promise<void> {
  await writeFileAtomically(file, JSON.stringify(contents));
}
