import { jestConfig } from '../../jest.preset.js';

// The platform under test starts its own PostgreSQL and Kafka, as `npm start` does.
export default jestConfig({ displayName: '@platform/e2e', testTimeout: 180_000 });
