import { describe, expect, it } from '@jest/globals';

import { isBuildInput, workspaceOfChange } from './source-change.js';

const WORKSPACES = ['apps/id-service', 'apps/user-service', 'packages/ids', 'packages/ids-extra'];

describe(workspaceOfChange.name, () => {
  it.each([
    ['apps/id-service/src/main.ts', 'apps/id-service'],
    ['apps/id-service/src/ids/snowflake/snowflake.controller.ts', 'apps/id-service'],
    ['packages/ids/src/ulid.ts', 'packages/ids'],
    ['packages/ids-extra/src/x.ts', 'packages/ids-extra'],
    ['packages/ids/package.json', 'packages/ids'],
    ['apps/user-service/tsconfig.build.json', 'apps/user-service'],
    ['apps\\id-service\\src\\main.ts', 'apps/id-service'],
  ])('rebuilds for %s: an input of %s', (file, workspace) => {
    expect(workspaceOfChange(file, WORKSPACES)).toBe(workspace);
  });

  it.each([
    ['apps/id-service/dist/main.js', 'what the build writes'],
    ['apps/id-service/node_modules/x/index.js', 'an installed package'],
    ['apps/id-service/src/ids/ids.service.spec.ts', 'a unit test'],
    ['apps/id-service/test/integration/ids.spec.ts', 'an integration test'],
    ['apps/id-service/src/test/fixture.ts', 'a test helper under src'],
    ['apps/id-service/jest.config.js', "the tests' config"],
    ['apps/id-service/README.md', 'documentation'],
    ['apps/id-service/src/.main.ts.swp', "vim's swap file"],
    ['apps/id-service/src/4913', "vim's write probe"],
    ['apps/id-service/src/main.ts~', 'a backup'],
    ['apps/id-service/src/.#main.ts', "emacs' lock"],
    ['tools/runner/src/cli.ts', 'no workspace a service is built from'],
    ['apps/id-service', 'the folder itself'],
    ['apps/id-service-old/src/main.ts', 'a folder that only starts with a workspace name'],
  ])('ignores %s (%s)', (file) => {
    expect(workspaceOfChange(file, WORKSPACES)).toBeUndefined();
  });
});

describe(isBuildInput.name, () => {
  it('counts every source under src/, whatever its extension, and the build config at the top', () => {
    expect(['src/a.ts', 'src/deep/b.json', 'src/c.mts', 'tsconfig.json'].map(isBuildInput)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['src', 'dist/a.js', 'tsconfig.spec.json', '.turbo/turbo-build.log'].map(isBuildInput)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
