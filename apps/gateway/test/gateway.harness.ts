import { expect } from '@jest/globals';

import { createServiceApp, type RunningService } from '@platform/service-kit';
import {
  eventually,
  requestJson,
  TEST_ADMIN_TOKEN,
  testServiceFactory,
  type TestService,
} from '@platform/testing';

import type { RegistryListing } from '../src/admin/admin.controller.js';
import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { GatewayConfig } from '../src/config/env.schema.js';

/** A gateway instance running in the test process. */
export type GatewayInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one gateway instance in the test process. */
export const gateway = testServiceFactory({
  createServiceApp,
  name: 'gateway',
  readConfig,
  module: (config: GatewayConfig) => AppModule.forRoot(config),
});

export type { InstanceView as RegistryEntry, RegistryListing } from '../src/admin/admin.controller.js';

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
