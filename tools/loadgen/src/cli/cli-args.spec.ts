import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';

import { LoadgenInputError } from '../loadgen.errors.js';
import { DEFAULT_LIMITS } from '../run/verdict.js';
import { parseCliArgs } from './cli-args.js';

const PLATFORM = fileURLToPath(new URL('../../scenarios/platform.json', import.meta.url));

function run(args: string[]) {
  const command = parseCliArgs(args);
  if (command.kind !== 'run') throw new Error('expected a run');
  return command;
}

function refusal(args: string[]): string {
  try {
    parseCliArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(LoadgenInputError); // both kinds exit with code 2
    return (error as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe(parseCliArgs.name, () => {
  it('builds an open-model plan from --url with the documented defaults', () => {
    const { plan, jsonFile, quiet } = run(['--url', 'http://127.0.0.1:9/x', '--rate', '500']);
    expect(plan).toMatchObject({
      model: 'open',
      rate: 500,
      connections: 25, // rate × 50 ms
      workers: 1,
      target: 'http://127.0.0.1:9',
      warmupMs: 2_000,
      durationMs: 10_000,
      timeoutMs: 2_000,
      maxBehindMs: 1_000,
      limits: DEFAULT_LIMITS,
    });
    expect(plan.scenario.requests[0]).toMatchObject({ method: 'GET', path: '/x' });
    expect(jsonFile).toBeUndefined();
    expect(quiet).toBe(false);
  });

  it('reads a scenario, its target overridden by --target, --header added to every request', () => {
    const { plan } = run([
      '--scenario',
      PLATFORM,
      '--target',
      'http://127.0.0.1:9080',
      '--header',
      'authorization: Bearer t',
      '--rate',
      '100',
      '--workers',
      '2',
      '--duration',
      '1m',
      '--warmup',
      '500ms',
      '--max-cpu',
      '80%',
      '--max-lateness',
      '5ms',
      '--nice=-10',
    ]);
    expect(plan.target).toBe('http://127.0.0.1:9080');
    expect(plan.durationMs).toBe(60_000);
    expect(plan.warmupMs).toBe(500);
    expect(plan.nice).toBe(-10);
    expect(plan.limits).toMatchObject({ maxWorkerCpu: 0.8, maxLatenessP99Ms: 5 });
    for (const request of plan.scenario.requests)
      expect(request.headers).toMatchObject({ authorization: 'Bearer t', 'x-load-test': 'loadgen' });
  });

  it('builds a closed-model plan with 10 connections by default', () => {
    const { plan } = run(['--url', 'http://127.0.0.1:9/', '--model', 'closed']);
    expect(plan).toMatchObject({ model: 'closed', rate: undefined, connections: 10 });
  });

  it.each([
    [['--rate', '5'], /say what to load: --url <url> or --scenario <file.json>/],
    [['--url', 'http://h:1/', '--scenario', PLATFORM, '--rate', '1'], /either --url or --scenario, not both/],
    [['--url', 'http://h:1/'], /the open model needs --rate/],
    [['--url', 'http://h:1/', '--rate', 'fast'], /--rate must be a number of requests per second above 0/],
    [['--url', 'http://h:1/', '--rate', '0'], /--rate must be a number/],
    [
      ['--url', 'http://h:1/', '--rate', '-5'],
      /--rate is followed by something that looks like an option; .* --rate=<value>/,
    ],
    [['--url', 'http://h:1/', '--rate=-5'], /--rate must be a number of requests per second above 0/],
    [['--url', 'http://h:1/', '--model', 'closed', '--rate', '5'], /--rate is for the open model/],
    [['--url', 'http://h:1/', '--model', 'batch'], /--model must be open or closed; got "batch"/],
    [
      ['--url', 'http://h:1/', '--rate', '5', '--duration', '10'],
      /--duration must be a duration with a unit, e\.g\. 500ms, 10s or 2m/,
    ],
    [['--url', 'http://h:1/', '--rate', '5', '--duration', '0s'], /--duration must be from 1 ms/],
    [
      ['--url', 'http://h:1/', '--rate', '5', '--workers', '0'],
      /--workers must be a whole number from 1 to 64/,
    ],
    [
      ['--url', 'http://h:1/', '--rate', '5', '--workers', '4', '--connections', '2'],
      /--connections \(2\) must be at least --workers \(4\)/,
    ],
    [
      ['--url', 'http://h:1/', '--rate', '5', '--max-cpu', '150'],
      /--max-cpu must be a percentage above 0 and at most 100/,
    ],
    [['--url', 'http://h:1/', '--rate', '5', '--nice=-30'], /--nice must be a whole number from -20 to 19/],
    [['--url', 'http://h:1/', '--rate', '5', '--method', 'FETCH'], /--method must be one of GET, HEAD, POST/],
    [['--url', 'http://h:1/', '--rate', '5', '--method', 'POST', '--body', '{nope'], /--body must be JSON/],
    [['--url', 'http://h:1/', '--rate', '5', '--body', '{"a":1}'], /a GET request cannot have a body/],
    [['--url', 'http://h:1/{nope}', '--rate', '5'], /unknown placeholder \{nope\}/],
    [['--url', 'h:1/', '--rate', '5'], /--url must be an http:\/\/ or https:\/\/ URL/],
    [['--url', 'http://h:1/', '--rate', '5', '--header', 'no colon'], /--header takes 'name: value'/],
    [['--url', 'http://h:1/', '--rate', '5', '--target', 'http://h:2'], /--target goes with --scenario/],
    [['--scenario', PLATFORM, '--rate', '5', '--method', 'GET'], /--method and --body go with --url/],
    [['--scenario', '/nonexistent.json', '--rate', '5'], /cannot read scenario file \/nonexistent\.json/],
    [
      ['--url', 'http://h:1/', '--rate', '5', '--json', '/nonexistent/dir/out.json'],
      /--json: cannot write to the directory \/nonexistent\/dir/,
    ],
    [['--url', 'http://h:1/', '--rate', '5', '--bogus'], /Unknown option '--bogus'/],
    [['--url', 'http://h:1/', '--rate', '5', 'extra'], /Unexpected argument 'extra'/],
  ])('refuses %j', (args, message) => {
    expect(refusal(args)).toMatch(message);
  });

  it('needs a target when the scenario has none', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loadgen-')), 'mix.json');
    fs.writeFileSync(file, JSON.stringify({ requests: [{ method: 'GET', path: '/' }] }));
    expect(refusal(['--scenario', file, '--rate', '5'])).toMatch(
      /has no "target": give --target http:\/\/host:port/,
    );
  });
});
