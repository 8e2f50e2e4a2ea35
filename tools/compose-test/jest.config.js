import { jestConfig } from '../../jest.preset.js';

// The unit specs beside the code. The topology suite (test/) needs the compose topology that
// `npm run test:compose` boots, and runs from there (jest.topology.config.js).
export default jestConfig({
  displayName: '@platform/compose-test',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
