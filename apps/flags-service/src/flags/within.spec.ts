import { describe, expect, it } from '@jest/globals';

import { DeadlineExceededError, within } from './within.js';

describe(within.name, () => {
  it('passes on what settles in time', async () => {
    await expect(within(Promise.resolve(42), 1_000, 'answer')).resolves.toBe(42);
    await expect(within(Promise.reject(new Error('refused')), 1_000, 'answer')).rejects.toThrow('refused');
  });

  it('stops waiting for what never settles', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(within(never, 10, 'a query')).rejects.toThrow(new DeadlineExceededError('a query', 10));
  });

  it('with no time left, still passes on what has already settled', async () => {
    await expect(within(Promise.resolve('held'), -5, 'answer')).resolves.toBe('held');
    await expect(within(new Promise<never>(() => undefined), -5, 'answer')).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
  });
});
