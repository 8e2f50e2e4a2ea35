import fs from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { RELEASE_NAME_PATTERN, STABLE_TRACK } from '../control/control-api.js';

/**
 * What each service runs, kept in `<stateDir>/releases.json` across restarts of the platform. The
 * gateway keeps its releases on Kafka, so after a restart it pins the versions the last releases
 * chose; the runner must start those same versions, or pinned requests find no instance. So every
 * change to the instances is written here, and `npm start` starts from it:
 *
 * - `version`: what new instances of the service start at (the last promoted release's version,
 *   or the stable one after an abort); `--scale` or the default count of them, on track `stable`;
 * - `others`: instances of other versions that ran beside them — a release in progress (canary or
 *   blue-green candidates, a rolling release stopped halfway) — started again as they were.
 */
export interface InstanceGroup {
  readonly version: string;
  readonly track: string;
  readonly count: number;
}

export interface ServiceFleet {
  readonly version: string;
  readonly others: readonly InstanceGroup[];
}

export type FleetRecord = Readonly<Record<string, ServiceFleet>>;

const RECORD_VERSION = 1;
const name = z.string().regex(RELEASE_NAME_PATTERN);
const fileSchema = z.object({
  v: z.literal(RECORD_VERSION),
  services: z.record(
    z.string(),
    z.object({
      version: name,
      others: z.array(z.object({ version: name, track: name, count: z.number().int().min(1).max(20) })),
    }),
  ),
});

export function fleetRecordFile(stateDir: string): string {
  return path.join(stateDir, 'releases.json');
}

/**
 * The record written last; empty when there is none yet. One that cannot be read is reported through
 * `warn` and ignored: the platform then starts every service at its default version.
 */
export function readFleetRecord(stateDir: string, warn: (message: string) => void): FleetRecord {
  const file = fleetRecordFile(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    warn(
      `ignoring ${file}: it is not a record this runner wrote; every service starts at its default version`,
    );
    return {};
  }
  return parsed.data.services;
}

export function writeFleetRecord(stateDir: string, record: FleetRecord): void {
  const file = fleetRecordFile(stateDir);
  const body = { v: RECORD_VERSION, updatedAt: new Date().toISOString(), services: record };
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The record of the instances running now: per service, its version and, grouped, the instances of
 * other versions. Instances at the service's version count as its stable ones whatever their track
 * (a promoted blue-green's `green` starts again as `stable`).
 */
export function fleetOf(
  versions: ReadonlyMap<string, string>,
  instances: readonly { readonly service: string; readonly version: string; readonly track: string }[],
): FleetRecord {
  const record: Record<string, ServiceFleet> = {};
  for (const [service, version] of versions) {
    const groups = new Map<string, InstanceGroup>();
    for (const instance of instances) {
      if (instance.service !== service || instance.version === version) continue;
      const key = `${instance.version}\u0000${instance.track}`;
      const group = groups.get(key);
      groups.set(key, { version: instance.version, track: instance.track, count: (group?.count ?? 0) + 1 });
    }
    record[service] = { version, others: [...groups.values()] };
  }
  return record;
}

/** The groups `npm start` starts for one service: `count` at its version (stable), then the others. */
export function groupsToStart(fleet: ServiceFleet, count: number): InstanceGroup[] {
  return [
    ...(count > 0 ? [{ version: fleet.version, track: STABLE_TRACK, count }] : []),
    ...fleet.others.filter((group) => group.version !== fleet.version),
  ];
}
