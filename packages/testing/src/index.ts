export { eventually } from './eventually.js';
export { startTestInfra, type StartedTestInfra } from './global-setup.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { TEST_INFRA_ENV, testInfra, type TestInfra } from './test-infra.js';
export { testKafkaBrokers, uniqueTopic } from './test-kafka.js';
