import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { ChangeBatcher, type ChangeBatch } from './change-batcher.js';

let batches: ChangeBatch[];
let batcher: ChangeBatcher;

beforeEach(() => {
  jest.useFakeTimers();
  batches = [];
  batcher = new ChangeBatcher({ quietMs: 300, maxWaitMs: 2_000, onBatch: (batch) => batches.push(batch) });
});

afterEach(() => {
  batcher.cancel();
  jest.useRealTimers();
});

describe(ChangeBatcher.name, () => {
  it('hands over one batch once changes stop for the quiet period', () => {
    batcher.add('apps/id-service', 'apps/id-service/src/main.ts');
    jest.advanceTimersByTime(200);
    batcher.add('apps/id-service', 'apps/id-service/src/main.ts');
    batcher.add('packages/ids', 'packages/ids/src/ulid.ts');
    jest.advanceTimersByTime(299);
    expect(batches).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(batches).toEqual([
      {
        workspaces: new Set(['apps/id-service', 'packages/ids']),
        files: ['apps/id-service/src/main.ts', 'packages/ids/src/ulid.ts'],
      },
    ]);
  });

  it('starts a new batch after handing one over', () => {
    batcher.add('apps/id-service', 'apps/id-service/src/main.ts');
    jest.advanceTimersByTime(300);
    batcher.add('packages/ids', 'packages/ids/src/ulid.ts');
    jest.advanceTimersByTime(300);
    expect(batches.map((batch) => [...batch.workspaces])).toEqual([['apps/id-service'], ['packages/ids']]);
  });

  it('hands over a batch that a steady trickle of changes keeps open once it is the longest wait old', () => {
    for (let elapsed = 0; elapsed < 2_000; elapsed += 100) {
      batcher.add('apps/id-service', `apps/id-service/src/file-${elapsed}.ts`);
      jest.advanceTimersByTime(100);
    }
    expect(batches).toHaveLength(1);
    expect(batches[0]!.files).toHaveLength(20);
  });

  it('hands over nothing after cancel', () => {
    batcher.add('apps/id-service', 'apps/id-service/src/main.ts');
    batcher.cancel();
    jest.advanceTimersByTime(5_000);
    expect(batches).toEqual([]);
  });
});
