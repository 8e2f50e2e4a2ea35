import { describe, expect, it } from '@jest/globals';

import { affectedServices, serviceWorkspaceDir, type Workspace } from './affected-services.js';

/** The shape of this repository's graph, cut down. */
const WORKSPACES: Workspace[] = [
  { dir: 'packages/observability', name: '@platform/observability', dependencies: [] },
  {
    dir: 'packages/service-kit',
    name: '@platform/service-kit',
    dependencies: ['@platform/observability', 'zod'],
  },
  { dir: 'packages/ids', name: '@platform/ids', dependencies: [] },
  { dir: 'packages/hashing', name: '@platform/hashing', dependencies: [] },
  {
    dir: 'packages/sharding',
    name: '@platform/sharding',
    dependencies: ['@platform/hashing', '@platform/ids'],
  },
  { dir: 'packages/testing', name: '@platform/testing', dependencies: [] },
  {
    dir: 'apps/id-service',
    name: '@platform/id-service',
    dependencies: ['@platform/ids', '@platform/service-kit', '@nestjs/core'],
  },
  {
    dir: 'apps/user-service',
    name: '@platform/user-service',
    dependencies: ['@platform/sharding', '@platform/service-kit'],
  },
  { dir: 'apps/gateway', name: '@platform/gateway', dependencies: ['@platform/service-kit'] },
];

const SERVICES = [
  { name: 'id-service', main: 'apps/id-service/dist/main.js' },
  { name: 'user-service', main: 'apps/user-service/dist/main.js' },
  { name: 'gateway', main: 'apps/gateway/dist/main.js' },
];

const affected = (...dirs: string[]) =>
  affectedServices(dirs, WORKSPACES, SERVICES).map((entry) => entry.service);

describe(affectedServices.name, () => {
  it('reaches only the service whose own workspace changed', () => {
    expect(affectedServices(['apps/id-service'], WORKSPACES, SERVICES)).toEqual([
      { service: 'id-service', packageName: '@platform/id-service' },
    ]);
  });

  it('reaches every service depending on a changed package, directly or through others', () => {
    expect(affected('packages/ids')).toEqual(['id-service', 'user-service']);
    expect(affected('packages/hashing')).toEqual(['user-service']);
    expect(affected('packages/observability')).toEqual(['id-service', 'user-service', 'gateway']);
  });

  it('reaches no service through a package only tests use', () => {
    expect(affected('packages/testing')).toEqual([]);
  });

  it('names each service once, in catalog order, however many of its workspaces changed', () => {
    expect(affected('apps/gateway', 'packages/hashing', 'apps/user-service', 'packages/sharding')).toEqual([
      'user-service',
      'gateway',
    ]);
  });

  it('does not loop on a dependency cycle', () => {
    const cyclic: Workspace[] = [
      { dir: 'packages/a', name: 'a', dependencies: ['b'] },
      { dir: 'packages/b', name: 'b', dependencies: ['a'] },
      { dir: 'apps/x', name: 'x', dependencies: ['a'] },
    ];
    const services = [{ name: 'x', main: 'apps/x/dist/main.js' }];
    expect(affectedServices(['packages/c'], cyclic, services)).toEqual([]);
    expect(affectedServices(['packages/b'], cyclic, services)).toEqual([{ service: 'x', packageName: 'x' }]);
  });
});

describe(serviceWorkspaceDir.name, () => {
  it('is the folder above the dist/ folder of the entry point', () => {
    expect(serviceWorkspaceDir('apps/id-service/dist/main.js')).toBe('apps/id-service');
    expect(serviceWorkspaceDir('services/edge/gateway/dist/src/main.js')).toBe('services/edge/gateway');
  });

  it('says so when the entry point is not a build output', () => {
    expect(() => serviceWorkspaceDir('apps/id-service/main.js')).toThrow(/not under a dist\/ folder/);
  });
});
