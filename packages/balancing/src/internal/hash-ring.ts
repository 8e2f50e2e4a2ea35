import { stableHash32 } from '@platform/hashing';

/**
 * A consistent-hash ring (Karger et al.; ketama): each member owns `virtualNodes` points at
 * stableHash32(`${id}#${n}`), and a key belongs to the first point clockwise from stableHash32(key). A member
 * joining takes over only the arcs in front of its own points (about 1/N of the keys); a member
 * leaving hands over only its own keys. The ring depends on the set of ids, not on their order.
 */
export class HashRing {
  /** Point hashes, ascending. */
  private readonly points: Uint32Array;
  /** For each point, the index in `ids` of the member that owns it. */
  private readonly owners: Uint32Array;

  constructor(
    readonly ids: readonly string[],
    virtualNodes: number,
  ) {
    const entries: { hash: number; owner: number }[] = [];
    ids.forEach((id, owner) => {
      for (let n = 0; n < virtualNodes; n++) entries.push({ hash: stableHash32(`${id}#${n}`), owner });
    });
    // Ties (two points on the same hash) go to the smaller id, whatever the input order.
    entries.sort((x, y) => x.hash - y.hash || compare(ids[x.owner]!, ids[y.owner]!));
    this.points = Uint32Array.from(entries, (entry) => entry.hash);
    this.owners = Uint32Array.from(entries, (entry) => entry.owner);
  }

  /**
   * The owner of `hash`: the first member clockwise that `accept`s, each member asked at most once.
   * Returns its index in `ids`, or undefined when no member accepts.
   */
  find(hash: number, accept: (owner: number) => boolean): number | undefined {
    const size = this.points.length;
    const refused = new Set<number>();
    const start = this.firstPointAtOrAfter(hash);
    for (let step = 0; step < size && refused.size < this.ids.length; step++) {
      const owner = this.owners[(start + step) % size]!;
      if (refused.has(owner)) continue;
      if (accept(owner)) return owner;
      refused.add(owner);
    }
    return undefined;
  }

  private firstPointAtOrAfter(hash: number): number {
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.points[middle]! < hash) low = middle + 1;
      else high = middle;
    }
    return low; // === length wraps to 0 through the modulo in find()
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
