import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from '@jest/globals';

import { platformFactsSchema, specFromFacts } from './catalog.js';
import { ServiceProcess } from './service-process.js';

describe(ServiceProcess.name, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-process-'));

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says why an instance died while starting, with its last lines, even once its log is gone', async () => {
    const logFile = path.join(dir, 'dies-1.log');
    const instance = new ServiceProcess({
      spec: {
        ...specFromFacts('dies', platformFactsSchema.parse({ port: 1024 })),
        main: 'tools/runner/test/fixtures/dies-at-start.mjs',
      },
      instanceId: 'dies-1',
      port: 1,
      env: {},
      logFile,
    });
    await instance.whenExited();
    const error = await instance.waitReady(5_000).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^dies-1 exited while starting \(code 1\); its last lines:\n/);
    expect(error?.message).toContain(
      '  Error: USER_SHARD_URLS lists users_9, which the shard map does not know',
    );
    expect(error?.message).not.toContain('starting step 1"'); // only the last lines, not the whole log
    expect(error?.message).toContain('starting step 20');
    expect(error?.message).toContain(`see ${logFile}`);
  });
});
