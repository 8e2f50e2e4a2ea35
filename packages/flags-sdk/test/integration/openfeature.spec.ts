import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ErrorCode,
  OpenFeature,
  ProviderEvents,
  StandardResolutionReasons,
  type EventHandler,
} from '@openfeature/server-sdk';

import { createLogger } from '@platform/observability';

import type { FlagsClient } from '../../src/flags-client.js';
import { PlatformFlagsProvider } from '../../src/openfeature/platform-flags.provider.js';
import { flagMessage, rolloutFlag } from '../../src/testing/wire-messages.js';
import { FlagsTestKafka } from './kafka-fixtures.js';

const logger = createLogger({ service: 'flags-sdk-test', instance: 'openfeature', level: 'silent' });
const USERS = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
let kafka: FlagsTestKafka;
let topic: string;
let client: FlagsClient;

beforeAll(async () => {
  kafka = new FlagsTestKafka(logger);
  topic = await kafka.topic();
  await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 30), 1));
  // Not started here: the provider starts it, and setProviderAndWait waits until it has read the topic.
  client = kafka.client(topic, { clientId: 'openfeature' });
  await OpenFeature.setProviderAndWait(new PlatformFlagsProvider(client));
});

afterAll(async () => {
  await OpenFeature.close(); // stops the client through the provider
  await kafka.close();
});

describe(`${PlatformFlagsProvider.name} behind the OpenFeature API`, () => {
  it('gives each of 1,000 users the same value as client.evaluate at a 30% rollout', async () => {
    const flags = OpenFeature.getClient();
    const mismatches: string[] = [];
    let on = 0;
    for (const userId of USERS) {
      const ours = client.evaluate('new-checkout', { userId });
      const value = await flags.getBooleanValue('new-checkout', false, { targetingKey: userId });
      const details = await flags.getBooleanDetails('new-checkout', false, { targetingKey: userId });
      if (value !== ours.value || details.value !== ours.value || details.variant !== ours.variant)
        mismatches.push(
          `${userId}: ${String(value)}/${details.variant} vs ${JSON.stringify(ours.value)}/${ours.variant}`,
        );
      if (details.reason !== StandardResolutionReasons.SPLIT || details.flagMetadata.version !== 1)
        mismatches.push(`${userId}: reason ${details.reason}, version ${details.flagMetadata.version}`);
      if (value) on++;
    }

    expect(mismatches).toEqual([]);
    // Sticky hashing, not a coin: about 30% of 1,000, the same users on every run.
    expect(on).toBeGreaterThan(250);
    expect(on).toBeLessThan(350);
  });

  it("answers an unknown flag with the caller's default and FLAG_NOT_FOUND", async () => {
    const details = await OpenFeature.getClient().getBooleanDetails('no-such-flag', true, {
      targetingKey: 'u',
    });
    expect(details).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('announces a published change as ConfigurationChanged, and serves it at once', async () => {
    const changed = new Promise<unknown>((resolve) => {
      const handler: EventHandler = (details) => {
        OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, handler);
        resolve(details?.flagsChanged);
      };
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, handler);
    });
    const flags = OpenFeature.getClient();
    const onAt30 = new Set<string>();
    for (const userId of USERS)
      if (await flags.getBooleanValue('new-checkout', false, { targetingKey: userId })) onAt30.add(userId);

    await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 60), 2));

    expect(await changed).toEqual(['new-checkout']);
    const details = await flags.getBooleanDetails('new-checkout', false, { targetingKey: 'user-1' });
    expect(details.flagMetadata.version).toBe(2);
    // Raising the rollout keeps everyone who had the flag (sticky, monotone buckets).
    for (const userId of onAt30)
      expect(await flags.getBooleanValue('new-checkout', false, { targetingKey: userId })).toBe(true);
  });
});
