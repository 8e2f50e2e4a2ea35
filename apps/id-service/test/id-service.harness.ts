import { createServiceApp, type ErrorBody, type RunningService } from '@platform/service-kit';
import { requestJson, testServiceFactory, type JsonResponse, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { IdServiceConfig } from '../src/config/env.schema.js';

/** An id-service instance running in the test process. */
export type IdServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one id-service instance in the test process. */
export const idService = testServiceFactory(
  {
    createServiceApp,
    name: 'id-service',
    readConfig,
    module: (config: IdServiceConfig) => AppModule.forRoot(config),
  },
  (settings: { readonly databaseUrl: string }) => ({ DATABASE_URL: settings.databaseUrl }),
);

/** The (datacenter, worker) pair an instance reports in its readiness check. */
export interface WorkerLeaseHealth {
  readonly status: 'ok' | 'error';
  readonly info?: Record<string, { status: string; datacenterId?: number; workerId?: number }>;
  readonly error?: Record<string, { status: string; message?: string }>;
}

/** What `POST /ids/{kind}` answers: the ids, or the platform's error body. */
export type IssuedIds = { readonly ids: string[] } & ErrorBody;

/** `POST /ids/{kind}{query}`, e.g. `issueIds(instance, 'instagram', '?shard=7&count=10')`. */
export function issueIds(
  instance: { readonly url: string },
  kind = 'snowflake',
  query = '',
): Promise<JsonResponse<IssuedIds>> {
  return requestJson<IssuedIds>(`${instance.url}/ids/${kind}${query}`, { method: 'POST' });
}

/** The worker id an instance reports in its readiness check (undefined while it holds none). */
export async function workerIdOf(instance: { readonly url: string }): Promise<number | undefined> {
  const { body } = await requestJson<WorkerLeaseHealth>(`${instance.url}/health/ready`);
  return body.info?.['worker-lease']?.workerId;
}

export function isStrictlyIncreasing(ids: readonly bigint[]): boolean {
  return ids.every((id, i) => i === 0 || id > ids[i - 1]!);
}
