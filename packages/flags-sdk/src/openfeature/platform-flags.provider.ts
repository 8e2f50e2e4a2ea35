import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';

import type { ChangeDetails, FlagsClient } from '../flags-client.js';
import type { DefinitionKind } from '../flag-record.js';
import {
  BOOLEAN,
  NUMBER,
  OBJECT,
  STRING,
  toPlatformContext,
  toResolution,
  type ExpectedType,
} from './openfeature-mapping.js';

export interface PlatformFlagsProviderOptions {
  /** How long `initialize()` waits for the client to read the topic (10 s). */
  readonly initializeTimeoutMs?: number;
}

/**
 * The platform's flags behind the OpenFeature server SDK:
 * `await OpenFeature.setProviderAndWait(new PlatformFlagsProvider(client))`, then
 * `OpenFeature.getClient().getBooleanValue('new-checkout', false, { targetingKey: userId })`.
 * Every resolution is `client.evaluate` (in-process, no I/O) with the context and reason mapped (see
 * `openfeature-mapping.ts`), so both APIs give the same value to the same context.
 *
 * Lifecycle: OpenFeature owns the client once it is given to the provider. `initialize()` starts the
 * client (a no-op if it is started) and waits until it has read the topic; if that takes too long it
 * still succeeds when the client has a snapshot to serve, and fails otherwise (the provider is then in
 * ERROR and reports READY when the client catches up). `onClose()` (on `OpenFeature.close()` or when
 * the provider is replaced) stops the client. Every change emits ConfigurationChanged with the flags
 * it may affect.
 */
export class PlatformFlagsProvider implements Provider {
  readonly metadata = { name: 'platform-flags' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly initializeTimeoutMs: number;

  constructor(
    private readonly client: FlagsClient,
    options: PlatformFlagsProviderOptions = {},
  ) {
    this.initializeTimeoutMs = options.initializeTimeoutMs ?? 10_000;
    client.on('change', this.announceChange);
  }

  async initialize(): Promise<void> {
    // Again after onClose, if OpenFeature is given this provider a second time.
    this.client.off('change', this.announceChange);
    this.client.on('change', this.announceChange);
    await this.client.start();
    if (await this.client.whenCaughtUp(this.initializeTimeoutMs)) return;
    // Serving the last known state beats serving every caller's default while Kafka is unreachable.
    if (this.client.hasState) return;
    this.client.once('caughtUp', this.announceReady);
    throw new Error(
      `the flags topic was not read within ${this.initializeTimeoutMs} ms and there is no snapshot to serve`,
    );
  }

  async onClose(): Promise<void> {
    this.client.off('change', this.announceChange);
    this.client.off('caughtUp', this.announceReady);
    await this.client.stop();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, BOOLEAN));
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, STRING));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, NUMBER));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    // The check is that the value is an object or array; its shape is the caller's to trust, as T says.
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, OBJECT as ExpectedType<T>));
  }

  private resolve<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    expected: ExpectedType<T>,
  ): ResolutionDetails<T> {
    const evaluation = this.client.evaluate(flagKey, toPlatformContext(context));
    return toResolution(flagKey, evaluation, defaultValue, expected, this.client.flagVersion(flagKey));
  }

  private readonly announceChange = (
    _kind: DefinitionKind,
    _key: string,
    _version: number,
    details: ChangeDetails,
  ): void => {
    if (details.flagsAffected.length === 0) return; // a segment no flag uses
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...details.flagsAffected] });
  };

  private readonly announceReady = (): void => {
    this.events.emit(ProviderEvents.Ready);
  };
}
