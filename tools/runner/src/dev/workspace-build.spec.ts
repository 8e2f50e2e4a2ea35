import { describe, expect, it } from '@jest/globals';

import { turboBuildArgs, turboCounts } from './workspace-build.js';

describe(turboBuildArgs.name, () => {
  it('asks turbo for one build of every package named, their dependencies first, errors only', () => {
    expect(turboBuildArgs(['@platform/id-service', '@platform/user-service'])).toEqual([
      'run',
      'build',
      '--output-logs=errors-only',
      '--filter=@platform/id-service',
      '--filter=@platform/user-service',
    ]);
  });
});

describe(turboCounts.name, () => {
  it("reads the tasks and the cache hits from turbo's summary", () => {
    const output = [
      '   • Packages in scope: @platform/id-service',
      ' Tasks:    14 successful, 14 total',
      'Cached:    12 cached, 14 total',
      '  Time:    3.1s',
    ].join('\n');
    expect(turboCounts(output)).toEqual({ tasks: 14, cached: 12 });
  });

  it('gives no counts when turbo printed no summary', () => {
    expect(turboCounts('command not found')).toEqual({ tasks: undefined, cached: undefined });
  });
});
