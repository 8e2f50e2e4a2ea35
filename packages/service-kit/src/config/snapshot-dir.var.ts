import path from 'node:path';

import { z } from 'zod';

/**
 * SNAPSHOT_DIR: a directory of this instance's own (`.platform/data/snapshots/<instance>` under the
 * runner), where modules keep what they last read from Kafka — the flags, the registry — so that a
 * restart while Kafka is out of reach serves that instead of nothing. Resolved to an absolute path
 * at start, so a later change of working directory cannot move it. Unset: nothing is kept.
 */
export function snapshotDirVar() {
  return z
    .string()
    .trim()
    .min(1)
    .transform((value) => path.resolve(value));
}

/** The file module `name` (`flags.json`, `registry.json`) keeps its snapshot in; undefined without SNAPSHOT_DIR. */
export function snapshotFileOf(config: { readonly SNAPSHOT_DIR?: string }, name: string): string | undefined {
  return config.SNAPSHOT_DIR === undefined ? undefined : path.join(config.SNAPSHOT_DIR, name);
}
