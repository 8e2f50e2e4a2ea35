import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';

import { CatalogError, readCatalog } from './read-catalog.js';

describe(readCatalog.name, () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** An apps/ directory with one package.json per entry (`undefined`: a directory without one). */
  function appsDir(apps: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
    dirs.push(dir);
    for (const [name, manifest] of Object.entries(apps)) {
      fs.mkdirSync(path.join(dir, name));
      if (manifest !== undefined) {
        fs.writeFileSync(path.join(dir, name, 'package.json'), JSON.stringify(manifest));
      }
    }
    return dir;
  }

  it('finds every app with a platform field, by port with the edge last, and skips the others', () => {
    const dir = appsDir({
      gateway: { name: '@platform/gateway', platform: { port: 8080, edge: true } },
      'orders-service': {
        platform: { route: 'orders', port: 3400, databases: { DATABASE_URL: 'a/orders' } },
      },
      'id-service': { platform: { route: 'ids', port: 3100, scale: 2 } },
      'plain-library': { name: 'not a service' },
      'no-manifest': undefined,
    });
    const specs = readCatalog(dir);
    expect(specs.map((spec) => spec.name)).toEqual(['id-service', 'orders-service', 'gateway']);
    expect(specs.map((spec) => [spec.basePort, spec.defaultCount, spec.minCount])).toEqual([
      [3101, 2, 0],
      [3401, 1, 0],
      [8080, 1, 1],
    ]);
    expect(specs[1]?.main).toBe('apps/orders-service/dist/main.js');
    expect(specs[1]?.databases).toEqual([{ server: 'a', name: 'orders' }]);
  });

  it('gives a list of databases comma-separated in order, with the fixed environment', () => {
    const [spec] = readCatalog(
      appsDir({
        'user-service': {
          platform: {
            port: 3200,
            databases: { USER_SHARD_URLS: ['a/users_0', 'b/users_1'], USER_CATALOG_URL: 'a/users_catalog' },
            env: { USER_INITIAL_SHARDS: '2' },
          },
        },
      }),
    );
    expect(spec?.env((name) => `pg://${name}`)).toEqual({
      USER_SHARD_URLS: 'pg://users_0,pg://users_1',
      USER_CATALOG_URL: 'pg://users_catalog',
      USER_INITIAL_SHARDS: '2',
    });
  });

  it('names the file and the field of a wrong fact', () => {
    const dir = appsDir({
      'orders-service': { platform: { port: 80, databases: { DATABASE_URL: 'c/orders' }, colr: 'red' } },
    });
    expect(() => readCatalog(dir)).toThrow(CatalogError);
    expect(() => readCatalog(dir)).toThrow(
      /orders-service\/package\.json: platform\.port: .*; platform\.databases\.DATABASE_URL: must be "<server>\/<database>".*; platform: Unrecognized key: "colr"/,
    );
  });

  it('refuses a dependency on no service, two services on one port, and broken JSON', () => {
    expect(() =>
      readCatalog(appsDir({ 'orders-service': { platform: { port: 3400, dependsOn: ['id-servce'] } } })),
    ).toThrow(
      'platform.dependsOn names "id-servce", which is not a service (the services are orders-service)',
    );
    expect(() =>
      readCatalog(appsDir({ a: { platform: { port: 3400 } }, b: { platform: { port: 3400 } } })),
    ).toThrow('a and b both take port 3400: give each its own');
    const dir = appsDir({ broken: undefined });
    fs.writeFileSync(path.join(dir, 'broken', 'package.json'), '{ "platform": ');
    expect(() => readCatalog(dir)).toThrow(/broken\/package\.json: not valid JSON/);
  });
});
