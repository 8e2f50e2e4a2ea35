export { eventually } from './eventually.js';
export { startFreezableProxy, type FreezableProxy, type ProxyTarget } from './freezable-proxy.js';
export { startTestInfra, type StartedTestInfra } from './global-setup.js';
export { requestJson, type JsonRequest, type JsonResponse } from './json-request.js';
export { LogCapture, type LogLine } from './log-capture.js';
export {
  startTestService,
  TEST_ADMIN_TOKEN,
  testServiceFactory,
  TestServices,
  type AppUnderTest,
  type InstancePlacement,
  type TestService,
  type RunningServiceLike,
  type ServiceAppFactory,
  type TestServiceOptions,
} from './service-harness.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { TEST_INFRA_ENV, testInfra, type TestInfra } from './test-infra.js';
export { createTestKafka, publishRaw } from './test-kafka-client.js';
export { testKafkaBrokers, uniqueTopic } from './test-kafka.js';
export { BlackHoleBroker } from './black-hole-broker.js';
export { DocumentedAnswers, type AnswerCheck, type ReceivedAnswer } from './openapi/documented-answers.js';
export {
  documentedCaller,
  matchesDocument,
  type DocumentedCall,
  type DocumentedCallResult,
} from './openapi/documented-call.js';
export { openApiProblems } from './openapi/openapi-problems.js';
export { type OpenApiLike } from './openapi/openapi-shape.js';
export { operationsWithoutAnswers, undocumentedRoutes, type RouteLike } from './openapi/route-coverage.js';
