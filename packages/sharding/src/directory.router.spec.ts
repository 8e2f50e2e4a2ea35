import { describe, expect, it, jest } from '@jest/globals';

import { DirectoryShardRouter } from './directory.router.js';
import { KeyNotInDirectoryError, UnknownShardError } from './errors.js';
import { InMemoryShardDirectory } from './in-memory.directory.js';

const shards = [
  { id: 0, name: 'users_0' },
  { id: 1, name: 'users_1' },
];

function setup(cacheSize?: number) {
  const directory = new InMemoryShardDirectory<string>();
  directory.assign('ada@example.com', 'users_1');
  directory.assign('bob@example.com', 'users_0');
  const lookup = jest.spyOn(directory, 'lookup');
  const router = new DirectoryShardRouter({
    directory,
    shards,
    ...(cacheSize === undefined ? {} : { cacheSize }),
  });
  return { directory, lookup, router };
}

describe(DirectoryShardRouter.name, () => {
  it('routes each key to the shard its directory entry names, every time', async () => {
    const { router } = setup();
    for (let i = 0; i < 3; i++) {
      await expect(router.locate('ada@example.com')).resolves.toBe(shards[1]);
      await expect(router.locate('bob@example.com')).resolves.toBe(shards[0]);
    }
    expect(router.shards()).toBe(shards);
  });

  it('asks the directory once per key, also for concurrent requests, then answers from its cache', async () => {
    const { lookup, router } = setup();
    await Promise.all([router.locate('ada@example.com'), router.locate('ada@example.com')]);
    await router.locate('ada@example.com');
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('keeps serving the cached shard after a move until the key is invalidated', async () => {
    const { directory, router } = setup();
    await router.locate('ada@example.com');
    directory.assign('ada@example.com', 'users_0');
    await expect(router.locate('ada@example.com')).resolves.toBe(shards[1]);
    router.invalidate('ada@example.com');
    await expect(router.locate('ada@example.com')).resolves.toBe(shards[0]);
  });

  it('keeps recently used entries and drops ones not used for a while', async () => {
    const { directory, lookup, router } = setup(4);
    directory.assign('carl@example.com', 'users_0');
    directory.assign('dave@example.com', 'users_1');
    for (const key of ['ada', 'bob', 'ada', 'carl', 'dave', 'ada']) await router.locate(`${key}@example.com`);
    expect(lookup).toHaveBeenCalledTimes(4);
    await router.locate('bob@example.com');
    expect(lookup).toHaveBeenCalledTimes(5);
  });

  it('asks the directory every time when the cache is off', async () => {
    const { lookup, router } = setup(0);
    await router.locate('ada@example.com');
    await router.locate('ada@example.com');
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('fails clearly for a key with no entry and for an entry naming an unknown shard', async () => {
    const { directory, router } = setup();
    await expect(router.locate('nobody@example.com')).rejects.toThrow(KeyNotInDirectoryError);
    directory.assign('eve@example.com', 'users_9');
    await expect(router.locate('eve@example.com')).rejects.toThrow(UnknownShardError);
    await expect(router.locate('eve@example.com')).rejects.toThrow('unknown shard "users_9"');
  });
});
