import { describe, expect, it, jest } from '@jest/globals';

import { RegistrationMetadata } from './registration-metadata.js';

describe(RegistrationMetadata.name, () => {
  it('keeps labels set before the instance is announced for its first heartbeat', async () => {
    const metadata = new RegistrationMetadata();
    metadata.set('worker-id', '7');

    expect(await metadata.change('weight', '5', 1_000)).toBe(true);
    expect(metadata.toRecord()).toEqual({ 'worker-id': '7', weight: '5' });
  });

  it('publishes a change at once once announced, and says whether Kafka took it', async () => {
    const metadata = new RegistrationMetadata();
    const published: Record<string, string>[] = [];
    let accepted = true;
    metadata.publishWith(() => {
      published.push(metadata.toRecord());
      return Promise.resolve(accepted);
    });

    expect(await metadata.change('weight', '5', 1_000)).toBe(true);
    accepted = false;
    expect(await metadata.change('weight', '2', 1_000)).toBe(false);
    expect(published).toEqual([{ weight: '5' }, { weight: '2' }]);
    expect(metadata.get('weight')).toBe('2');
  });

  it('answers false after waitMs when Kafka does not answer, keeping the new label', async () => {
    jest.useFakeTimers();
    try {
      const metadata = new RegistrationMetadata();
      metadata.publishWith(() => new Promise<boolean>(() => undefined));

      const change = metadata.change('weight', '9', 2_000);
      await jest.advanceTimersByTimeAsync(2_000);

      expect(await change).toBe(false);
      expect(metadata.get('weight')).toBe('9');
    } finally {
      jest.useRealTimers();
    }
  });
});
