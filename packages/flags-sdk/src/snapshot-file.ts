import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { checkFlagRecord, type FlagRecord } from './flag-record.js';

/**
 * The last state a client knew, kept on local disk so a restarted service answers with it at once,
 * before (or without) Kafka. It holds the latest record of every key, deletions included, in the
 * topic's own message format, so loading it runs the same validation as reading the topic.
 */
export const SNAPSHOT_FORMAT = 'platform-flags-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotContents {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly v: typeof SNAPSHOT_VERSION;
  /** The topic the records came from: a snapshot of another topic is not this client's state. */
  readonly topic: string;
  /** When it was written (ISO 8601), for the log line that says how old the loaded state is. */
  readonly savedAt: string;
  readonly records: readonly FlagRecord[];
}

export type SnapshotRead =
  | { readonly status: 'loaded'; readonly records: readonly FlagRecord[]; readonly savedAt: string }
  | { readonly status: 'missing' }
  /** Unreadable, not a snapshot, of another topic, or with an invalid record: ignored as a whole. */
  | { readonly status: 'unusable'; readonly problem: string };

/**
 * Reads and checks a snapshot; never throws. One bad record makes the whole file unusable: a partial
 * state (a flag without the segment it needs) would serve values nobody configured.
 */
export async function readSnapshot(file: string, topic: string): Promise<SnapshotRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'unusable', problem: `cannot read it: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'unusable', problem: 'it is not JSON' };
  }
  const contents = json as Partial<Record<keyof SnapshotContents, unknown>> | null;
  if (
    typeof contents !== 'object' ||
    contents === null ||
    contents.format !== SNAPSHOT_FORMAT ||
    contents.v !== SNAPSHOT_VERSION ||
    typeof contents.savedAt !== 'string' ||
    !Array.isArray(contents.records)
  ) {
    return { status: 'unusable', problem: `it is not a ${SNAPSHOT_FORMAT} v${SNAPSHOT_VERSION} file` };
  }
  if (contents.topic !== topic) {
    return { status: 'unusable', problem: `it holds topic ${String(contents.topic)}, not ${topic}` };
  }
  const records: FlagRecord[] = [];
  for (const [index, entry] of (contents.records as unknown[]).entries()) {
    const checked = checkFlagRecord(entry);
    if (!checked.ok) {
      return { status: 'unusable', problem: `records[${index}] ${checked.reason}: ${checked.problem}` };
    }
    records.push(checked.record);
  }
  return { status: 'loaded', records, savedAt: contents.savedAt };
}

/**
 * Writes the snapshot atomically: to a temporary file beside it, flushed to disk, then renamed over
 * the old one. A crash mid-write leaves the previous snapshot whole, never half of a new one.
 */
export async function writeSnapshot(file: string, contents: SnapshotContents): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(JSON.stringify(contents));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
