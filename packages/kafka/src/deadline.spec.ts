import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { settledWithin, withDeadline } from './deadline.js';

const never = new Promise<never>(() => undefined);

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe(settledWithin.name, () => {
  it('is true for work that ends in time, failed work included', async () => {
    await expect(settledWithin(Promise.resolve('done'), 100)).resolves.toBe(true);
    await expect(settledWithin(Promise.reject(new Error('refused')), 100)).resolves.toBe(true);
  });

  it('is false once the bound passes while the work still hangs', async () => {
    const waited = settledWithin(never, 1_000);
    await jest.advanceTimersByTimeAsync(999);
    let result: boolean | undefined;
    void waited.then((value) => (result = value));
    await Promise.resolve();
    expect(result).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await expect(waited).resolves.toBe(false);
  });
});

describe(withDeadline.name, () => {
  it('passes on what the work returns or throws in time', async () => {
    await expect(withDeadline(Promise.resolve(3), 100)).resolves.toBe(3);
    await expect(withDeadline(Promise.reject(new Error('refused')), 100)).rejects.toThrow('refused');
  });

  it('rejects, naming the bound, when the work hangs past it', async () => {
    const answer = withDeadline(never, 800);
    const assertion = expect(answer).rejects.toThrow('Kafka did not answer within 800 ms');
    await jest.advanceTimersByTimeAsync(800);
    await assertion;
  });
});
