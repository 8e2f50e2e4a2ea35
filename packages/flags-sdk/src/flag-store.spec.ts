import { describe, expect, it } from '@jest/globals';

import type { Flag, Segment } from '@platform/flags';

import type { DefinitionKind, FlagRecord } from './flag-record.js';
import { FlagStore } from './flag-store.js';
import { fixedFlag, rolloutFlag, usersSegment } from './testing/wire-messages.js';

const flag = (definition: Flag, version: number): FlagRecord => ({
  v: 1,
  kind: 'flag',
  key: definition.key,
  version,
  deleted: false,
  definition,
});
const segment = (definition: Segment, version: number): FlagRecord => ({
  v: 1,
  kind: 'segment',
  key: definition.key,
  version,
  deleted: false,
  definition,
});
const deletion = (kind: DefinitionKind, key: string, version: number): FlagRecord => ({
  v: 1,
  kind,
  key,
  version,
  deleted: true,
  definition: null,
});

/** The value the store's flag `key` serves user `userId`, or 'missing'. */
function served(store: FlagStore, key: string, userId = 'u-1') {
  return store.flag(key)?.evaluate({ userId }).value ?? 'missing';
}

describe(FlagStore.name, () => {
  it('replaces what it holds with each record that differs, in the order read, whatever its version', () => {
    const store = new FlagStore();
    store.apply(flag(fixedFlag('theme', 'dark', 'dark'), 2));
    // A record written by something other than flags-service, with a huge version...
    expect(store.apply(flag(fixedFlag('theme', 'bogus', 'bogus'), 1e12))).toMatchObject({ applied: true });
    expect(served(store, 'theme')).toBe('bogus');
    // ...is undone by the next real change, its version lower.
    expect(store.apply(flag(fixedFlag('theme', 'light', 'light'), 3))).toMatchObject({
      applied: true,
      change: { version: 3, previousVersion: 1e12 },
    });

    expect(served(store, 'theme')).toBe('light');
    expect(store.flagVersions()).toEqual([{ key: 'theme', version: 3 }]);
  });

  it('changes nothing for a replay of the record it holds, and takes a different one of the same version', () => {
    const store = new FlagStore();
    store.apply(flag(fixedFlag('theme', 'dark', 'dark'), 2));
    expect(store.apply(flag(fixedFlag('theme', 'dark', 'dark'), 2))).toEqual({
      applied: false,
      heldVersion: 2,
    });
    expect(store.apply(flag(fixedFlag('theme', 'light', 'light'), 2))).toMatchObject({ applied: true });

    expect(served(store, 'theme')).toBe('light');
  });

  it('deletes a flag and brings it back when it is created again', () => {
    const store = new FlagStore();
    store.apply(flag(fixedFlag('theme', 'dark', 'dark'), 1));
    expect(store.apply(deletion('flag', 'theme', 3))).toEqual({
      applied: true,
      change: {
        kind: 'flag',
        key: 'theme',
        version: 3,
        deleted: true,
        existed: true,
        previousVersion: 1,
        flagsAffected: ['theme'],
      },
    });
    expect(store.apply(deletion('flag', 'theme', 3))).toEqual({ applied: false, heldVersion: 3 });

    expect(served(store, 'theme')).toBe('missing');
    expect(store.flagVersions()).toEqual([]);
    expect(store.flagVersion('theme')).toBeUndefined();
    store.apply(flag(fixedFlag('theme', 'light', 'light'), 4));
    expect(served(store, 'theme')).toBe('light');
  });

  it('recompiles the flags that use a segment when it changes, and only those', () => {
    const store = new FlagStore();
    store.apply(segment(usersSegment('beta', ['u-1']), 1));
    store.apply(flag(rolloutFlag('checkout', 0.01, { segment: 'beta' }), 1));
    store.apply(flag(rolloutFlag('search', 0.01), 1));
    const search = store.flag('search');
    expect(served(store, 'checkout', 'u-1')).toBe(true);
    expect(served(store, 'checkout', 'u-2')).toBe(false);

    const result = store.apply(segment(usersSegment('beta', ['u-2']), 2));

    expect(result).toMatchObject({ applied: true, change: { kind: 'segment', flagsAffected: ['checkout'] } });
    expect(served(store, 'checkout', 'u-1')).toBe(false);
    expect(served(store, 'checkout', 'u-2')).toBe(true);
    expect(store.flag('search')).toBe(search);
  });

  it('fails closed for a flag whose segment is missing, and recovers when the segment arrives', () => {
    const store = new FlagStore();
    store.apply(flag(rolloutFlag('checkout', 0.01, { segment: 'beta' }), 1));
    expect(store.flag('checkout')?.evaluate({ userId: 'u-1' })).toMatchObject({
      value: false,
      reason: 'error',
      error: "unknown segment 'beta'",
    });

    store.apply(segment(usersSegment('beta', ['u-1']), 1));
    expect(served(store, 'checkout', 'u-1')).toBe(true);

    // Deleting the segment makes the flag serve its offVariant again, with reason error.
    expect(store.apply(deletion('segment', 'beta', 2))).toMatchObject({
      change: { deleted: true, flagsAffected: ['checkout'] },
    });
    expect(store.flag('checkout')?.evaluate({ userId: 'u-1' }).reason).toBe('error');
  });

  it('hands back every key it holds as records, deletions included, to rebuild the same state', () => {
    const store = new FlagStore();
    store.apply(segment(usersSegment('beta', ['u-1']), 3));
    store.apply(flag(rolloutFlag('checkout', 30, { segment: 'beta' }), 7));
    store.apply(flag(fixedFlag('theme', 'dark', 'dark'), 1));
    store.apply(deletion('flag', 'theme', 2));

    const rebuilt = new FlagStore();
    for (const record of store.records()) rebuilt.apply(record);

    expect(rebuilt.flagVersions()).toEqual([{ key: 'checkout', version: 7 }]);
    expect(rebuilt.segmentVersions()).toEqual([{ key: 'beta', version: 3 }]);
    for (const userId of ['u-1', 'u-2', 'u-3', 'u-4'])
      expect(served(rebuilt, 'checkout', userId)).toBe(served(store, 'checkout', userId));
    // The deletion is held too: replayed, it changes nothing.
    expect(rebuilt.apply(deletion('flag', 'theme', 2))).toEqual({ applied: false, heldVersion: 2 });
  });
});
