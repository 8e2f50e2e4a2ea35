import { expect } from '@jest/globals';

import { createServiceApp, type RunningService } from '@platform/service-kit';
import { eventually, requestJson, TEST_ADMIN_TOKEN, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { GatewayConfig } from '../src/config/env.schema.js';

/** A gateway instance running in the test process. */
export type GatewayInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one gateway in the test process. */
export function gateway(options: {
  readonly registryTopic: string;
  readonly instanceId: string;
  readonly env?: Readonly<Record<string, string>>;
}) {
  return {
    createServiceApp,
    name: 'gateway',
    readConfig,
    module: (config: GatewayConfig) => AppModule.forRoot(config),
    registryTopic: options.registryTopic,
    instanceId: options.instanceId,
    env: { ...options.env },
  };
}

/** One instance as `GET /admin/registry` shows it. */
export interface RegistryEntry {
  readonly instanceId: string;
  readonly address: string;
  readonly version: string;
  readonly zone: string;
  readonly status: string;
  readonly lastHeartbeat: string;
  readonly heartbeatAgeMs: number;
  readonly ttlMs: number;
  readonly metadata: Record<string, string>;
}

export interface RegistryListing {
  readonly caughtUp: boolean;
  readonly services: Record<string, RegistryEntry[]>;
}

export const ADMIN_HEADERS = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** The gateway's `GET /admin/registry`, with the admin token. */
export async function registryOf(gatewayInstance: GatewayInstance): Promise<RegistryListing> {
  const { status, body } = await requestJson<RegistryListing>(`${gatewayInstance.url}/admin/registry`, {
    headers: ADMIN_HEADERS,
  });
  expect(status).toBe(200);
  return body;
}

/** Instance ids of `service` the gateway lists now. */
export async function listedInstances(gatewayInstance: GatewayInstance, service: string): Promise<string[]> {
  return ((await registryOf(gatewayInstance)).services[service] ?? []).map((entry) => entry.instanceId);
}

/** Waits until the gateway lists exactly `instanceIds` for `service`. */
export async function untilListed(
  gatewayInstance: GatewayInstance,
  service: string,
  instanceIds: readonly string[],
): Promise<void> {
  await eventually(async () => expect(await listedInstances(gatewayInstance, service)).toEqual(instanceIds));
}
