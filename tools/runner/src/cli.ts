#!/usr/bin/env node
/**
 * The platform's command line, behind the root npm scripts:
 *   npm start [-- --scale id-service=4 --weight id-service-1=5 --gateway-port 8080 --quiet --access-log --json-logs]
 *   npm run status [-- --json]
 *   npm run release -- start|status|promote|abort ...
 *   npm run dev [-- <npm start's options>]
 *   npm test
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { REPO_ROOT } from '@platform/local-infra';

import { SERVICES } from './catalog.js';
import { asksForHelp, parseOrUsage, UsageError } from './cli-usage.js';
import { runDev } from './dev/dev-command.js';
import { painter, wantsColor } from './output/color-support.js';
import { chooseLogFormat, createStartOutput } from './output/start-output.js';
import { Platform } from './platform.js';
import { RELEASE_SYNOPSIS } from './release/release-args.js';
import { runRelease } from './release/release-command.js';
import { RunnerAlreadyRunningError } from './state.js';
import { platformStatus, renderStatus } from './status.js';
import { parseStartArgs, START_SYNOPSIS } from './start-args.js';
import { runNodeRuntimeTests, runTests } from './test-command.js';

const color = wantsColor(process.stdout, process.env);
const paint = painter(color);
const say = (message: string) => process.stdout.write(`${paint('bold', '[runner]')} ${message}\n`);

const USAGE = [
  ...START_SYNOPSIS,
  '       cli.js status [--json]',
  '       cli.js test [--node24]   (--node24: only the unit tests and one platform boot on Node 24)',
  '       cli.js dev [the options of start]   (start or use the platform; rebuild and replace what a saved change reaches)',
  ...RELEASE_SYNOPSIS,
  '',
  'environment: POSTGRES_URL (that server for every database, instead of two embedded ones),',
  '             KAFKA_BROKERS (use that cluster), ADMIN_TOKEN, SERVICE_VERSION (what every service',
  '             starts at; default 0.1.0), PLATFORM_STATE_DIR (default .platform/),',
  '             PROMETHEUS_SCRAPE_INTERVAL (seconds; default 15)',
  '',
].join('\n');

function scrapeInterval(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) {
    throw new UsageError(`PROMETHEUS_SCRAPE_INTERVAL must be whole seconds from 1 to 300, got "${value}"`);
  }
  return seconds;
}

const stateDir = process.env['PLATFORM_STATE_DIR'] ?? path.join(REPO_ROOT, '.platform');

async function start(args: string[]): Promise<void> {
  const options = parseStartArgs(args, process.env);
  const output = createStartOutput({
    format: chooseLogFormat(options.logFormat, process.stdout),
    color,
    serviceColours: Object.fromEntries(SERVICES.map((spec) => [spec.name, spec.facts.colour])),
    accessLog: options.accessLog,
    quiet: options.quiet,
    write: (text) => process.stdout.write(text),
  });
  const started = Date.now();
  let platform: Platform;
  try {
    platform = Platform.create({
      stateDir,
      scale: options.scale,
      weights: options.weights,
      gatewayPort: options.gatewayPort,
      postgresPort: options.postgresPort,
      kafkaPort: options.kafkaPort,
      kafkaControllerPort: options.kafkaControllerPort,
      postgresUrl: process.env['POSTGRES_URL'] || undefined,
      kafkaBrokers: process.env['KAFKA_BROKERS'] ? process.env['KAFKA_BROKERS'].split(',') : undefined,
      adminToken: process.env['ADMIN_TOKEN'] || undefined,
      serviceVersion: process.env['SERVICE_VERSION'] || undefined,
      // Started when `prometheus` is on PATH; the platform runs without it otherwise.
      prometheus:
        options.prometheusPort === undefined
          ? undefined
          : {
              port: options.prometheusPort,
              scrapeIntervalSeconds: scrapeInterval(process.env['PROMETHEUS_SCRAPE_INTERVAL']),
            },
      onProgress: (message) => output.say(message),
      onServiceLine: (instanceId, line, stream) => output.serviceLine(instanceId, line, stream),
      onUnexpectedExit: (instanceId, code, signal) =>
        output.say(
          `${instanceId} exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'})`,
          'error',
        ),
    });
  } catch (error) {
    if (error instanceof RunnerAlreadyRunningError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let signalled = 0;
  let firstSignalAt = 0;
  const shutdown = (signal: string) => {
    signalled++;
    if (signalled === 1) {
      firstSignalAt = Date.now();
      output.say(
        `${signal}: stopping Prometheus and services first, then Kafka and PostgreSQL (Ctrl-C again to force)`,
      );
      void platform.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          output.say(`stop failed: ${(error as Error).message}`, 'error');
          process.exit(1);
        },
      );
    } else if (Date.now() - firstSignalAt > 1_000) {
      // Within a second it is the same Ctrl-C arriving twice (from the terminal and from npm).
      output.say('forcing: killing every process now', 'warn');
      for (const instance of platform.instances) instance.kill();
      process.exit(130);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

  try {
    await platform.boot();
  } catch (error) {
    if (signalled > 0) return; // interrupted; shutdown() exits
    output.say(`could not start the platform: ${(error as Error).message}`, 'error');
    await platform.stop();
    process.exit(1);
  }
  output.up(
    await platformStatus(stateDir),
    `platform up in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${path.join(stateDir, 'logs')}. Ctrl-C stops it.`,
  );
}

async function status(args: string[]): Promise<void> {
  const { values } = parseOrUsage(() =>
    parseArgs({ args, options: { json: { type: 'boolean', default: false } } }),
  );
  const current = await platformStatus(stateDir);
  if (values.json) process.stdout.write(`${JSON.stringify(current, null, 2)}\n`);
  else process.stdout.write(renderStatus(current, color));
  if (!current.running) process.exitCode = 1;
}

// A reader that goes away early (`| head`, `| jq` failing) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const [command, ...rest] = process.argv.slice(2);
try {
  if (command !== 'release' && (command === undefined || asksForHelp([command, ...rest]))) {
    // Asked for: the usage is the output. Not asked for (no command): it explains the mistake.
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    process.exitCode = command === undefined ? 2 : 0;
  } else {
    switch (command) {
      case 'start':
        await start(rest);
        break;
      case 'status':
        await status(rest);
        break;
      case 'release':
        process.exitCode = await runRelease(rest, { stateDir, color });
        break;
      case 'test':
        if (rest.length > 0 && (rest.length > 1 || rest[0] !== '--node24')) {
          throw new UsageError(`test takes no argument but --node24, got ${rest.join(' ')}`);
        }
        process.exitCode = rest[0] === '--node24' ? await runNodeRuntimeTests(say) : await runTests(say);
        break;
      case 'dev':
        process.exitCode = await runDev(rest, { stateDir, color });
        process.exit(); // nothing of the session is left to wait for
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  }
} catch (error) {
  // One line, no stack: the command line or the machine needs fixing, not this program.
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\nrun with --help for the usage\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${paint('red', 'error:')} ${(error as Error).message}\n`);
    if (process.env['DEBUG']) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
