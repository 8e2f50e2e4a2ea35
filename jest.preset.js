// Shared jest settings for every workspace: ESM mode, TypeScript through @swc/jest with decorator
// metadata (NestJS needs it), `.js` suffixes in imports mapped back to the `.ts` sources.
// Run jest with NODE_OPTIONS=--experimental-vm-modules (the package scripts do).

import { fileURLToPath } from 'node:url';

/**
 * @param {{ displayName: string, integration?: boolean, testMatch?: string[], testTimeout?: number }} options
 * `integration: true` gives the package the run's real PostgreSQL and Kafka (see @platform/testing).
 */
export function jestConfig(options) {
  const fixture = (name) => fileURLToPath(import.meta.resolve(`@platform/testing/${name}`));
  return {
    displayName: options.displayName,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    testMatch: options.testMatch ?? ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    globalSetup: options.integration ? fixture('global-setup') : undefined,
    globalTeardown: options.integration ? fixture('global-teardown') : undefined,
    testTimeout: options.testTimeout ?? 30_000,
    // Integration tests share one Postgres and one Kafka per run; a test file cleans up what it made.
    maxWorkers: process.env.CI ? 1 : '50%',
  };
}
