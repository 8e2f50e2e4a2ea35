import { jestConfig } from '../../jest.preset.js';

// Run by `npm run test:compose` once the compose topology is up (src/cli.ts); on its own it fails
// at once, saying it needs that run.
export default jestConfig({
  displayName: '@platform/compose-test topology',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 180_000,
});
