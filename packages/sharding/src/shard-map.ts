import { INSTAGRAM_MAX_SHARD } from '@platform/ids';

import { InvalidShardMapError } from './errors.js';
import type { Shard } from './shard-router.js';

/** Default number of logical shards: enough to double 4 databases eight times. */
export const DEFAULT_LOGICAL_SHARDS = 1_024;
/** Most logical shards an Instagram-style id can name (13 bits). */
export const MAX_LOGICAL_SHARDS = INSTAGRAM_MAX_SHARD + 1;

/** One logical shard placed on one physical shard, by name. */
export interface LogicalAssignment {
  readonly logical: number;
  readonly shard: string;
}

/** A shard map as data: what a catalog table or a Kafka message holds. */
export interface ShardMapSpec {
  readonly version: number;
  readonly logicalShards: number;
  readonly shards: readonly Shard[];
  readonly assignments: readonly LogicalAssignment[];
}

/**
 * Which physical shard holds each of a fixed number of logical shards, at one version. Immutable:
 * a change is a new map with the next version ({@link ShardMap.move}), so a router can hold one,
 * compare versions, and a write can carry the version it was routed with. Every map is validated
 * when made: each logical shard is assigned exactly once, to a physical shard the map names.
 */
export class ShardMap {
  readonly version: number;
  readonly logicalShards: number;
  readonly shards: readonly Shard[];
  /** Physical shard of each logical shard, indexed by logical shard. */
  private readonly owners: readonly Shard[];

  private constructor(version: number, shards: readonly Shard[], owners: readonly Shard[]) {
    this.version = version;
    this.logicalShards = owners.length;
    this.shards = shards;
    this.owners = owners;
  }

  /** Version 1: `logicalShards` split into equal contiguous blocks, one per shard, in order. */
  static initial(shards: readonly Shard[], logicalShards: number = DEFAULT_LOGICAL_SHARDS): ShardMap {
    const assignments = Array.from({ length: logicalShards }, (_, logical) => ({
      logical,
      shard: shards[Math.floor((logical * shards.length) / logicalShards)]?.name ?? '',
    }));
    return ShardMap.create({ version: 1, logicalShards, shards, assignments });
  }

  /** A map from data, after checking it; throws {@link InvalidShardMapError} listing every problem. */
  static create(spec: ShardMapSpec): ShardMap {
    const problems: string[] = [];
    if (!Number.isSafeInteger(spec.version) || spec.version < 1)
      problems.push(`version must be a positive integer, got ${spec.version}`);
    if (
      !Number.isInteger(spec.logicalShards) ||
      spec.logicalShards < 1 ||
      spec.logicalShards > MAX_LOGICAL_SHARDS
    )
      problems.push(
        `logicalShards must be an integer from 1 to ${MAX_LOGICAL_SHARDS}, got ${spec.logicalShards}`,
      );
    if (spec.shards.length === 0) problems.push('at least one physical shard is needed');
    const byName = new Map<string, Shard>();
    const ids = new Set<number>();
    for (const shard of spec.shards) {
      if (byName.has(shard.name)) problems.push(`physical shard name ${shard.name} is listed twice`);
      if (ids.has(shard.id)) problems.push(`physical shard id ${shard.id} is listed twice`);
      byName.set(shard.name, shard);
      ids.add(shard.id);
    }
    const count = Number.isInteger(spec.logicalShards) && spec.logicalShards > 0 ? spec.logicalShards : 0;
    const owners = new Array<Shard | undefined>(count);
    const seen = new Set<number>();
    for (const { logical, shard } of spec.assignments) {
      if (!Number.isInteger(logical) || logical < 0 || logical >= count) {
        problems.push(`logical shard ${logical} is outside 0..${count - 1}`);
        continue;
      }
      if (seen.has(logical)) problems.push(`logical shard ${logical} is assigned more than once`);
      seen.add(logical);
      const owner = byName.get(shard);
      if (owner === undefined)
        problems.push(`logical shard ${logical} is assigned to unknown shard "${shard}"`);
      owners[logical] ??= owner;
    }
    const missing = [...owners.keys()].filter((logical) => !seen.has(logical));
    if (missing.length > 0)
      problems.push(
        `${missing.length} logical shard(s) are not assigned: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      );
    if (problems.length > 0) throw new InvalidShardMapError(spec.version, problems);
    return new ShardMap(spec.version, [...spec.shards], owners as Shard[]);
  }

  /** The physical shard holding `logical`. */
  physicalOf(logical: number): Shard {
    const owner = this.owners[logical];
    if (owner === undefined)
      throw new RangeError(
        `logical shard ${logical} is outside 0..${this.logicalShards - 1} of map version ${this.version}`,
      );
    return owner;
  }

  /** The logical shards on the physical shard called `name`, ascending. */
  logicalShardsOf(name: string): number[] {
    const found: number[] = [];
    this.owners.forEach((owner, logical) => {
      if (owner.name === name) found.push(logical);
    });
    return found;
  }

  /**
   * The next version of this map, with `logicals` on `target` and every other logical shard where
   * it was. `target` is added to the physical shards if it is new.
   */
  move(logicals: readonly number[], target: Shard): ShardMap {
    const known = this.shards.find((shard) => shard.name === target.name);
    const shards = known === undefined ? [...this.shards, target] : this.shards;
    const moving = new Set(logicals);
    return ShardMap.create({
      version: this.version + 1,
      logicalShards: this.logicalShards,
      shards,
      assignments: this.owners.map((owner, logical) => ({
        logical,
        shard: moving.has(logical) ? target.name : owner.name,
      })),
    });
  }

  /** The map as data, for a catalog row or a message. */
  toSpec(): ShardMapSpec {
    return {
      version: this.version,
      logicalShards: this.logicalShards,
      shards: this.shards,
      assignments: this.owners.map((owner, logical) => ({ logical, shard: owner.name })),
    };
  }
}
