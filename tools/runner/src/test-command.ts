import { spawn } from 'node:child_process';

import { REPO_ROOT } from '@platform/local-infra';
import { startTestInfra, TEST_INFRA_ENV } from '@platform/testing';

import { FailureLines } from './test-run/failure-lines.js';
import { nodeRuntimeSteps } from './test-run/node-runtime-steps.js';
import type { TestStep } from './test-run/test-step.js';

/**
 * The short chaos run (docs/chaos.md) boots its own platform (a state directory that holds no
 * running one makes it start one) and takes about 3 minutes plus the boot.
 */
const CHAOS_STEP: TestStep = {
  title: 'chaos (short)',
  command: process.execPath,
  args: ['tools/chaos/dist/cli.js', '--short'],
  env: { PLATFORM_STATE_DIR: '/nonexistent/chaos-starts-its-own-platform' },
};

/**
 * `npm test`: one PostgreSQL and one Kafka for the whole run (every package's integration tests
 * share them through PLATFORM_TEST_INFRA), then typecheck and lint of every workspace (and of
 * bench/), the tests of every workspace,
 * then the end-to-end tests (which boot the platform the way `npm start` does), the short chaos
 * run, the unit tests and one platform boot again on Node 24 (test-run/node-runtime-steps.ts),
 * then formatting. Every step runs even if an earlier one failed; the exit code says whether all
 * passed.
 */
export async function runTests(say: (message: string) => void): Promise<number> {
  const started = Date.now();
  say('starting PostgreSQL and Kafka for the test run');
  const infra = await startTestInfra((message) => say(message));
  say(
    `test infrastructure ready: ${infra.infra.postgresUrl.replace(/:[^:@/]+@/, ':***@')}, kafka ${infra.infra.kafkaBrokers.join(',')}`,
  );
  const env = {
    ...process.env,
    [TEST_INFRA_ENV]: JSON.stringify(infra.infra),
    TURBO_TELEMETRY_DISABLED: '1',
  };

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const steps: TestStep[] = [
    // One program and one linter process over every workspace: the libraries' types (Nest, kafkajs,
    // node) are read once, not once per workspace as 28 `typecheck` and 28 `lint` tasks did
    // (tsconfig.typecheck.json names what it covers). In CI, typecheck took 19 s this way.
    { title: 'typecheck of every workspace', command: 'npx', args: ['tsc', '-p', 'tsconfig.typecheck.json'] },
    { title: 'lint of every workspace and bench/', command: 'npx', args: ['eslint', '.'] },
    {
      title: 'tests of every workspace',
      command: 'npx',
      args: ['turbo', 'run', 'test', '--concurrency=2', '--continue', '--output-logs=new-only'],
    },
    {
      title: 'end-to-end tests',
      command: 'npx',
      args: ['turbo', 'run', 'test:e2e', '--output-logs=new-only'],
    },
    CHAOS_STEP,
    ...nodeRuntimeSteps(),
    { title: 'formatting', command: 'npx', args: ['prettier', '--check', '.'] },
  ];
  try {
    return await runSteps(steps, env, say, started, () => interrupted);
  } finally {
    say('stopping the test infrastructure');
    await infra.stop();
  }
}

/**
 * `npm run test:node24`: only the Node 24 steps of `npm test`: every workspace's unit tests and one
 * platform boot on Node 24, fetched by npx from the npm registry (test-run/node-runtime-steps.ts).
 */
export function runNodeRuntimeTests(say: (message: string) => void): Promise<number> {
  return runSteps(
    nodeRuntimeSteps(),
    { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    say,
    Date.now(),
    () => false,
  );
}

async function runSteps(
  steps: readonly TestStep[],
  env: NodeJS.ProcessEnv,
  say: (message: string) => void,
  started: number,
  interrupted: () => boolean,
): Promise<number> {
  const results: { title: string; ok: boolean; seconds: number; failures: string[] }[] = [];
  for (const step of steps) {
    if (interrupted()) break;
    say(`${step.title}: ${step.command} ${step.args.join(' ')}`);
    const stepStarted = Date.now();
    const { code, failures } = await run(step.command, step.args, { ...env, ...step.env });
    results.push({ title: step.title, ok: code === 0, seconds: (Date.now() - stepStarted) / 1000, failures });
  }
  for (const result of results) {
    say(`${result.ok ? 'PASS' : 'FAIL'}  ${result.title} (${result.seconds.toFixed(0)} s)`);
    if (!result.ok) for (const line of result.failures) say(`        ${line.trim()}`);
  }
  const ok = !interrupted() && results.length === steps.length && results.every((r) => r.ok);
  say(`${ok ? 'all tests passed' : 'tests FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return ok ? 0 : 1;
}

/**
 * Runs one step with its output passed through, and keeps its failure lines (failure-lines.ts). The
 * output goes through a pipe, so a terminal's colours are asked for with FORCE_COLOR.
 */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; failures: string[] }> {
  const failures = new FailureLines();
  const colour = process.stdout.isTTY && env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {};
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...colour, ...env },
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    const pass = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      to.write(chunk);
      failures.push(chunk.toString('utf8'));
    };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    child.once('close', (code) => resolve({ code: code ?? 1, failures: failures.lines() }));
    child.once('error', () => resolve({ code: 1, failures: failures.lines() }));
  });
}
