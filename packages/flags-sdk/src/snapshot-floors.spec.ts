import { describe, expect, it } from '@jest/globals';

import type { FlagRecord } from './flag-record.js';
import { SnapshotFloors } from './snapshot-floors.js';
import { fixedFlag } from './testing/wire-messages.js';

const flag = (key: string, version: number, value = `v${version}`): FlagRecord => ({
  v: 1,
  kind: 'flag',
  key,
  version,
  deleted: false,
  definition: fixedFlag(key, value, value),
});

describe(SnapshotFloors.name, () => {
  it("holds back a record older than the snapshot's version of its key, and lets others through", () => {
    const floors = new SnapshotFloors();
    floors.loaded(flag('theme', 5));

    expect(floors.holdBack(flag('theme', 3))).toBe(true);
    expect(floors.holdBack(flag('theme', 5))).toBe(false);
    expect(floors.holdBack(flag('theme', 6))).toBe(false);
    expect(floors.holdBack(flag('other', 1))).toBe(false);
    // Nothing was the last of its key and held back: nothing to apply once caught up.
    expect(floors.release()).toEqual([]);
  });

  it("applies once caught up a key's last record if it was held back: the topic's last record wins", () => {
    const floors = new SnapshotFloors();
    // Saved while a bogus record with a huge version was held; the real change came after it.
    floors.loaded(flag('theme', 1e12));
    floors.holdBack(flag('theme', 1));
    floors.holdBack(flag('theme', 1e12));
    expect(floors.holdBack(flag('theme', 2))).toBe(true);

    expect(floors.release()).toEqual([flag('theme', 2)]);
  });

  it('has no floors once caught up', () => {
    const floors = new SnapshotFloors();
    floors.loaded(flag('theme', 5));
    floors.release();

    expect(floors.holdBack(flag('theme', 1))).toBe(false);
  });
});
