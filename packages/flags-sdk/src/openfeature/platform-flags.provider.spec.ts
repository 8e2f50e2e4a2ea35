import { describe, expect, it } from '@jest/globals';
import { ErrorCode, ProviderEvents, StandardResolutionReasons } from '@openfeature/server-sdk';
import { Kafka } from 'kafkajs';

import { createLogger } from '@platform/observability';

import { FlagsClient } from '../flags-client.js';
import {
  asBuffers,
  fixedFlag,
  flagMessage,
  rolloutFlag,
  segmentMessage,
  usersSegment,
  type WireMessage,
} from '../testing/wire-messages.js';
import { PlatformFlagsProvider } from './platform-flags.provider.js';

/** A provider over a client fed by hand (never started: the provider is not initialized here). */
function providerWith(...messages: WireMessage[]) {
  const client = new FlagsClient({
    kafka: new Kafka({ clientId: 'unused', brokers: ['127.0.0.1:9'] }),
    topic: 'platform.flags',
    logger: createLogger({ service: 'test', instance: 'test', level: 'silent' }),
    clientId: 'unit',
  });
  const feed = (...more: WireMessage[]) => {
    for (const message of more) client.apply(...asBuffers(message));
  };
  feed(...messages);
  return { client, provider: new PlatformFlagsProvider(client), feed };
}

describe(PlatformFlagsProvider.name, () => {
  it('is a server provider named platform-flags', () => {
    const { provider } = providerWith();
    expect(provider.metadata.name).toBe('platform-flags');
    expect(provider.runsOn).toBe('server');
  });

  it('resolves each type from the client, the targeting key bucketing the rollout', async () => {
    const { provider } = providerWith(
      flagMessage(rolloutFlag('new-checkout', 30), 2),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      flagMessage(fixedFlag('page-size', 'big', 50), 1),
      flagMessage(fixedFlag('limits', 'tight', { perMinute: 10 }), 1),
    );

    expect(
      await provider.resolveBooleanEvaluation('new-checkout', false, { targetingKey: 'user-1' }),
    ).toEqual({
      value: true,
      variant: 'on',
      reason: StandardResolutionReasons.SPLIT,
      flagMetadata: { version: 2, platformReason: 'default', bucket: 849 },
    });
    expect(await provider.resolveStringEvaluation('theme', 'light', {})).toMatchObject({ value: 'dark' });
    expect(await provider.resolveNumberEvaluation('page-size', 20, {})).toMatchObject({ value: 50 });
    expect(await provider.resolveObjectEvaluation('limits', {}, {})).toMatchObject({
      value: { perMinute: 10 },
    });
    expect(await provider.resolveNumberEvaluation('theme', 20, {})).toMatchObject({
      value: 20,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await provider.resolveBooleanEvaluation('nope', true, {})).toMatchObject({
      value: true,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('emits ConfigurationChanged with the flags a change may affect', () => {
    const { provider, feed } = providerWith(
      segmentMessage(usersSegment('beta', []), 1),
      flagMessage(rolloutFlag('checkout', 30, { segment: 'beta' }), 1),
    );
    const changed: (string[] | undefined)[] = [];
    provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
      changed.push(details?.flagsChanged as string[] | undefined);
    });

    feed(flagMessage(rolloutFlag('checkout', 40, { segment: 'beta' }), 2));
    feed(segmentMessage(usersSegment('beta', ['u-1']), 2));
    feed(segmentMessage(usersSegment('unused', ['u-1']), 1));

    expect(changed).toEqual([['checkout'], ['checkout']]);
  });
});
