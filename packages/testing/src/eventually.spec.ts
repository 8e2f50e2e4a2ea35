import { describe, expect, it } from '@jest/globals';

import { eventually } from './eventually.js';

describe(eventually.name, () => {
  it('returns as soon as the assertion passes', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the timeout with the assertion’s last error', async () => {
    const started = Date.now();
    let calls = 0;
    await expect(
      eventually(
        () => {
          calls++;
          throw new Error(`failure ${calls}`);
        },
        { timeoutMs: 200, intervalMs: 20 },
      ),
    ).rejects.toThrow(/^failure \d+$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(calls).toBeGreaterThan(2);
  });
});
