#!/usr/bin/env node
/**
 * npm run chaos [-- --short] [--only <name,...>] [--json <file>]
 *
 * Runs the chaos scenarios against the platform running from PLATFORM_STATE_DIR (default .platform/),
 * or against one it starts for itself, prints a table and exits non-zero if any scenario failed.
 * Whatever happens, nothing stays frozen: every SIGSTOP is undone in a finally block and on Ctrl-C.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { CHAOS_USAGE, parseChaosArgs, type ChaosArgs } from './chaos-args.js';
import { Freezer } from './faults/freezer.js';
import { createFixture, type Fixture } from './fixture.js';
import { renderTable } from './report/text-report.js';
import { runScenario, type ChaosContext, type ScenarioResult } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { waitFor } from './scenarios/phases.js';
import { GatewayAdmin } from './target/gateway-admin.js';
import { PlatformTarget } from './target/platform-target.js';

const say = (message: string) => process.stdout.write(`[chaos] ${message}\n`);

let args: ChaosArgs;
try {
  args = parseChaosArgs(
    process.argv.slice(2),
    SCENARIOS.map((s) => s.name),
  );
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${CHAOS_USAGE}`);
  process.exit(2);
}

const freezer = new Freezer();
let target: PlatformTarget | undefined;
process.on('exit', () => freezer.thawAll());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    freezer.thawAll();
    say(`${signal}: everything frozen has been continued; stopping`);
    target?.interrupt();
    process.exitCode = 130;
    setTimeout(() => process.exit(130), 60_000).unref();
  });
}

const started = Date.now();
const stateDir = process.env['PLATFORM_STATE_DIR'] ?? path.join(REPO_ROOT, '.platform');
const results: ScenarioResult[] = [];
try {
  target = await PlatformTarget.attachOrStart(stateDir, say);
  const gateway = new GatewayAdmin(target);
  const listed = await waitFor(async () => (await gateway.unlisted()).length === 0, 120_000, 1_000);
  if (listed === null) say(`the gateway's registry still misses ${(await gateway.unlisted()).join(', ')}`);
  let fixture: Promise<Fixture> | undefined;
  const context: ChaosContext = {
    target,
    gateway,
    freezer,
    short: args.short,
    // Made once per run; a failed attempt is not kept, so the next scenario tries again.
    fixture: () =>
      (fixture ??= createFixture(target!).catch((error: unknown) => {
        fixture = undefined;
        throw error;
      })),
    say: (message) => say(`  ${message}`),
  };
  const chosen = SCENARIOS.filter((s) => args.only?.includes(s.name) ?? true);
  const scenariosStarted = Date.now();
  for (const scenario of chosen) {
    if (process.exitCode === 130) break;
    const ready = await waitFor(async () => (await gateway.notReady()).length === 0, 90_000, 1_000);
    if (ready === null)
      say(`not every instance is ready before ${scenario.name}: ${(await gateway.notReady()).join(', ')}`);
    say(`${scenario.name}: ${scenario.fault}`);
    const result = await runScenario(scenario, context);
    results.push(result);
    say(`${scenario.name}: ${result.passed ? 'PASS' : 'FAIL'} in ${result.seconds.toFixed(0)} s`);
  }
  process.stdout.write(`\n${renderTable(results)}\n`);
  say(
    `${results.filter((r) => r.passed).length} of ${results.length} scenarios passed; ` +
      `scenarios took ${((Date.now() - scenariosStarted) / 1000).toFixed(0)} s, the run ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (args.json) {
    const report = {
      startedAt: new Date(started).toISOString(),
      short: args.short,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        loadavg: os.loadavg(),
        node: process.version,
      },
      platform: target.startedHere ? 'started by this run' : `running from ${stateDir}`,
      passed: results.every((r) => r.passed),
      results,
    };
    fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    say(`results written to ${args.json}`);
  }
} catch (error) {
  say(`the run could not finish: ${(error as Error).stack ?? String(error)}`);
  if (target?.startedHere) process.stdout.write(`${target.output().slice(-3000)}\n`);
  process.exitCode = 1;
} finally {
  freezer.thawAll();
  if (target?.startedHere) {
    say('stopping the platform this run started');
    await target.stop();
  }
}
const passed = results.length > 0 && results.every((r) => r.passed);
if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = passed ? 0 : 1;
