import { describe, expect, it } from '@jest/globals';

import { SERVICES, serviceEnv, serviceSpec, type ServiceSpec } from './catalog.js';

const SERVERS = {
  a: 'postgres://postgres:postgres@127.0.0.1:5433/postgres',
  b: 'postgres://postgres:postgres@127.0.0.1:5434/postgres',
};

describe(serviceEnv.name, () => {
  it('gives user-service its catalog on server a and six shards in order, alternating servers', () => {
    const env = serviceEnv(serviceSpec('user-service'), SERVERS);
    expect(env['USER_CATALOG_URL']).toBe('postgres://postgres:postgres@127.0.0.1:5433/users_catalog');
    expect(env['USER_SHARD_URLS']?.split(',')).toEqual([
      'postgres://postgres:postgres@127.0.0.1:5433/users_0',
      'postgres://postgres:postgres@127.0.0.1:5434/users_1',
      'postgres://postgres:postgres@127.0.0.1:5433/users_2',
      'postgres://postgres:postgres@127.0.0.1:5434/users_3',
      'postgres://postgres:postgres@127.0.0.1:5433/users_4',
      'postgres://postgres:postgres@127.0.0.1:5434/users_5',
    ]);
    expect(env['USER_INITIAL_SHARDS']).toBe('4');
  });

  it('puts every database on one server only, and each service uses only databases it declares', () => {
    const servers = new Map<string, string>();
    for (const spec of SERVICES) {
      for (const { server, name } of spec.databases) {
        expect(servers.get(name) ?? server).toBe(server);
        servers.set(name, server);
      }
      expect(() => serviceEnv(spec, SERVERS)).not.toThrow();
    }
  });

  it('says where to declare a database a service uses but does not list', () => {
    const spec: ServiceSpec = { ...serviceSpec('flags-service'), databases: [] };
    expect(() => serviceEnv(spec, SERVERS)).toThrow(
      'flags-service uses database "flags", which is not among its databases: add it to `platform.databases`',
    );
  });
});
