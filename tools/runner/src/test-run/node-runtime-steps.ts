import type { TestStep } from './test-step.js';

/**
 * The second Node the platform is tested on: the current LTS, which a fresh laptop has. The whole
 * suite runs on the CI's Node; a second full run would not fit CI's 30 minutes (it took 11.6 min
 * on Node 24 alone), so `npm test` (and `npm run test:node24` alone) gives the second Node what
 * proves the platform on it in ~2 min: every workspace's unit tests, and the platform booted and
 * used end to end.
 */
export const SECOND_NODE_MAJOR = 24;

/** The end-to-end test both Nodes run: boot, requests through the gateway, no warning from any process. */
export const NODE_RUNTIME_E2E = 'test/node-runtime.e2e.spec.ts';

/**
 * A shell command that prints the `node` on PATH and fails unless it is of `major`: the steps
 * below start with it, so that a Node other than the one asked for cannot pass unnoticed.
 */
export function nodeVersionCheck(major: number): string {
  return (
    `node -e 'const v = process.versions.node; console.log("node " + v + " at " + process.execPath);` +
    ` if (v.split(".")[0] !== "${major}") { console.error("expected Node ${major}"); process.exit(1); }'`
  );
}

/**
 * `npm test`'s steps on Node `major`. `npx -p node@<major>` fetches that Node from the npm registry
 * (the `node` package; cached after the first run) and runs the command with it first on PATH, so
 * npm, turbo's tasks, jest and the platform the end-to-end test starts all run on it. A Node that
 * cannot be fetched fails the step, as any failed command does: nothing is skipped.
 */
export function nodeRuntimeSteps(major: number = SECOND_NODE_MAJOR): TestStep[] {
  const onNode = (command: string) => [
    '-y',
    '-p',
    `node@${major}`,
    '-c',
    `${nodeVersionCheck(major)} && ${command}`,
  ];
  return [
    {
      title: `Node ${major}: unit tests of every workspace`,
      command: 'npx',
      // The integration tests (test/integration/) stay on the CI's Node; in the end-to-end step
      // below, the second Node talks to a real PostgreSQL and Kafka.
      args: onNode(
        'turbo run test --concurrency=2 --continue --output-logs=new-only -- --testPathIgnorePatterns=/test/integration/',
      ),
    },
    {
      title: `Node ${major}: the platform end to end`,
      command: 'npx',
      args: onNode(`npm run test:e2e --workspace=@platform/e2e -- ${NODE_RUNTIME_E2E}`),
      // The test checks it runs on this major, not only on whatever node came first on PATH.
      env: { PLATFORM_E2E_NODE_MAJOR: String(major) },
    },
  ];
}
