import { describe, expect, it } from '@jest/globals';

import { readConfig } from '../config/config.js';
import { shardPoolSizes } from './physical-shards.js';

const url = (server: string, database: string) => `postgres://app:secret@${server}/${database}`;

describe(shardPoolSizes.name, () => {
  it('splits one server budget among the shard databases on that server', () => {
    const urls = [
      url('10.0.0.1:5433', 'users_0'),
      url('10.0.0.2:5433', 'users_1'),
      url('10.0.0.1:5433', 'users_2'),
      url('10.0.0.2:5433', 'users_3'),
      url('10.0.0.1:5433', 'users_4'),
    ];
    expect(Object.fromEntries(shardPoolSizes(urls, 16))).toEqual({
      users_0: 5,
      users_1: 8,
      users_2: 5,
      users_3: 8,
      users_4: 5,
    });
  });

  it('gives a lone shard database the whole budget, and every database at least one connection', () => {
    expect(Object.fromEntries(shardPoolSizes([url('db', 'users_0')], 16))).toEqual({ users_0: 16 });
    const crowded = Array.from({ length: 6 }, (_, i) => url('db:6000', `users_${i}`));
    expect([...shardPoolSizes(crowded, 4).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('USER_CONNECTIONS_PER_SERVER', () => {
  const env = {
    USER_CATALOG_URL: url('db', 'users_catalog'),
    USER_SHARD_URLS: url('db', 'users_0'),
    KAFKA_BROKERS: '127.0.0.1:9092',
  };

  it('defaults to 16 and refuses a budget of no connections, naming the variable', () => {
    expect(readConfig(env).USER_CONNECTIONS_PER_SERVER).toBe(16);
    expect(() => readConfig({ ...env, USER_CONNECTIONS_PER_SERVER: '0' })).toThrow(
      /USER_CONNECTIONS_PER_SERVER/,
    );
  });
});
