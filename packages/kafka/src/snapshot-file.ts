import { readFile } from 'node:fs/promises';

/**
 * The envelope of a snapshot file (see {@link SnapshotWriter}): what kind of file it is, the topic
 * its records were read from, when it was written, and the records in the topic's own message
 * format, so loading one runs the same validation as reading the topic (each kind, flags or
 * registry, passes its record check).
 */
export interface SnapshotEnvelope<R> {
  readonly format: string;
  readonly v: number;
  /** The topic the records came from: a snapshot of another topic is not this reader's state. */
  readonly topic: string;
  /** When it was written (ISO 8601), for the log line that says how old the loaded state is. */
  readonly savedAt: string;
  readonly records: readonly R[];
}

export type SnapshotFileRead<R> =
  | { readonly status: 'loaded'; readonly records: readonly R[]; readonly savedAt: string }
  | { readonly status: 'missing' }
  /** Unreadable, not a snapshot of this kind and version, of another topic, or with an invalid record. */
  | { readonly status: 'unusable'; readonly problem: string };

/** Checks one record of a snapshot as a record read from the topic would be checked. */
export type SnapshotRecordCheck<R> = (
  entry: unknown,
) => { readonly ok: true; readonly record: R } | { readonly ok: false; readonly problem: string };

/**
 * Reads a snapshot file and checks its envelope and every record; never throws. One bad record makes
 * the whole file unusable: a partial state (a flag without the segment it needs, a service with half
 * its instances) would serve what nobody configured.
 */
export async function readSnapshotFile<R>(
  file: string,
  expected: Pick<SnapshotEnvelope<R>, 'format' | 'v' | 'topic'>,
  check: SnapshotRecordCheck<R>,
): Promise<SnapshotFileRead<R>> {
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
  const contents = json as Partial<Record<keyof SnapshotEnvelope<R>, unknown>> | null;
  if (
    typeof contents !== 'object' ||
    contents === null ||
    contents.format !== expected.format ||
    contents.v !== expected.v ||
    typeof contents.savedAt !== 'string' ||
    !Array.isArray(contents.records)
  ) {
    return { status: 'unusable', problem: `it is not a ${expected.format} v${expected.v} file` };
  }
  if (contents.topic !== expected.topic) {
    return { status: 'unusable', problem: `it holds topic ${String(contents.topic)}, not ${expected.topic}` };
  }
  const records: R[] = [];
  for (const [index, entry] of (contents.records as unknown[]).entries()) {
    const checked = check(entry);
    if (!checked.ok) return { status: 'unusable', problem: `records[${index}] ${checked.problem}` };
    records.push(checked.record);
  }
  return { status: 'loaded', records, savedAt: contents.savedAt };
}
