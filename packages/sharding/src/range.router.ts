import { InvalidShardRangesError, KeyOutOfRangeError } from './errors.js';
import type { Shard, ShardRouter } from './shard-router.js';

/** Keys from `from` (inclusive) up to `to` (exclusive) live on `shard`. */
export interface ShardRange {
  readonly from: bigint;
  readonly to: bigint;
  readonly shard: Shard;
}

export interface RangeRouterOptions {
  /**
   * Whether the ranges may leave holes between them (keys there then fail to route). Default false:
   * sorted, the ranges must meet end to start, so a typo in a boundary is caught at start-up.
   */
  readonly allowGaps?: boolean;
}

/**
 * Sorted key ranges → shard (Bigtable tablets, HBase regions, early MySQL "users 1–1M on db1").
 * Range scans stay on one shard and a new range is just a new row, but the split is only as fair
 * as the boundaries: with time-ordered ids every new key lands on the last range, and deleting old
 * keys empties the first ones. A key outside every range throws {@link KeyOutOfRangeError}.
 */
export class RangeShardRouter implements ShardRouter<bigint> {
  readonly strategy = 'range';
  private readonly sorted: readonly ShardRange[];
  private readonly all: readonly Shard[];

  constructor(ranges: readonly ShardRange[], options: RangeRouterOptions = {}) {
    this.sorted = [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    const problems = validate(this.sorted, options.allowGaps ?? false);
    if (problems.length > 0) throw new InvalidShardRangesError(problems);
    const byId = new Map<number, Shard>();
    for (const range of this.sorted) byId.set(range.shard.id, range.shard);
    this.all = [...byId.values()].sort((a, b) => a.id - b.id);
  }

  shardFor(key: bigint): Shard {
    // The last range starting at or before the key, by binary search.
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle]!.from <= key) low = middle + 1;
      else high = middle;
    }
    const range = this.sorted[low - 1];
    if (range === undefined || key >= range.to) throw new KeyOutOfRangeError(key, this.describe());
    return range.shard;
  }

  locate(key: bigint): Promise<Shard> {
    // A throw inside the executor rejects the promise: callers awaiting `locate` never see a sync throw.
    return new Promise((resolve) => resolve(this.shardFor(key)));
  }

  shards(): readonly Shard[] {
    return this.all;
  }

  /** The ranges in key order. */
  ranges(): readonly ShardRange[] {
    return this.sorted;
  }

  private describe(): string {
    return this.sorted.map((r) => `[${r.from}, ${r.to}) → ${r.shard.name}`).join(', ');
  }
}

function validate(sorted: readonly ShardRange[], allowGaps: boolean): string[] {
  const problems: string[] = [];
  if (sorted.length === 0) problems.push('at least one range is needed');
  sorted.forEach((range, i) => {
    if (range.from >= range.to)
      problems.push(`range [${range.from}, ${range.to}) of ${range.shard.name} is empty or reversed`);
    const previous = sorted[i - 1];
    if (previous === undefined) return;
    if (range.from < previous.to)
      problems.push(
        `[${previous.from}, ${previous.to}) of ${previous.shard.name} overlaps [${range.from}, ${range.to}) of ${range.shard.name}`,
      );
    else if (range.from > previous.to && !allowGaps)
      problems.push(
        `keys [${previous.to}, ${range.from}) are in no range (set allowGaps if that is intended)`,
      );
  });
  return problems;
}
