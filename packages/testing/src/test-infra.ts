/**
 * Where the run's shared PostgreSQL and Kafka are. Set by the global setup (or by `npm test`, which
 * starts them once for every package) in PLATFORM_TEST_INFRA, read by tests.
 */
export interface TestInfra {
  /** Connection string of the server's `postgres` database; tests make their own databases. */
  readonly postgresUrl: string;
  readonly kafkaBrokers: readonly string[];
}

export const TEST_INFRA_ENV = 'PLATFORM_TEST_INFRA';

export function testInfra(): TestInfra {
  const raw = process.env[TEST_INFRA_ENV];
  if (!raw) {
    throw new Error(
      `${TEST_INFRA_ENV} is not set: run this test through jest with the @platform/testing global setup ` +
        '(jestConfig({ integration: true })) or through `npm test`',
    );
  }
  return JSON.parse(raw) as TestInfra;
}
