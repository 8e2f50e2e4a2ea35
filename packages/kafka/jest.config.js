import { jestConfig } from '../../jest.preset.js';

export default jestConfig({
  displayName: '@platform/kafka',
  integration: true,
  // patches/: the fix this package makes to the installed kafkajs, with its spec beside it.
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/patches/**/*.spec.ts'],
});
